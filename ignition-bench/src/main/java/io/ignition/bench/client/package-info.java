/**
 * A light WebSocket client for load: a few selector threads ({@link
 * io.ignition.bench.client.Reactor}) each drive thousands of connections, parse frames in place in
 * one shared read buffer and hand text payloads to handlers as byte ranges, without garbage per
 * message.
 */
@NullMarked
package io.ignition.bench.client;

import org.jspecify.annotations.NullMarked;
