/**
 * Java client for Ignition: connect with an API key, subscribe to channels, handle events with
 * {@code on}, emit events, and optionally encrypt payloads end to end in the crypto-js format the
 * JavaScript SDK uses. Start with {@link io.ignition.client.Ignition#connect}.
 */
@NullMarked
package io.ignition.client;

import org.jspecify.annotations.NullMarked;
