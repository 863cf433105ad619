/**
 * The Ignition server: {@link io.ignition.server.IgnitionServer} runs an
 * {@link io.ignition.core.EventHub} behind a WebSocket transport and an HTTP API, embedded in a JVM
 * application or started by the launcher.
 */
@NullMarked
package io.ignition.server;

import org.jspecify.annotations.NullMarked;
