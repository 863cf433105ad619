/**
 * Ignition's embeddable core: apps and plans, channels and their in-memory fan-out, quotas, and
 * the native protocol, with no network code. A {@link io.ignition.core.Transport} brings
 * connections in; {@link io.ignition.core.EventHub} ties the service provider interfaces together.
 */
@NullMarked
package io.ignition.core;

import org.jspecify.annotations.NullMarked;
