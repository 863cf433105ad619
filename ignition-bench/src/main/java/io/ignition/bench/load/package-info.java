/**
 * The load tool and the idle probe: real WebSocket subscribers and publishers against a server
 * given by URL or spawned in another process, with latency in HdrHistogram, loss accounting, and
 * CPU accounting for the server and for the tool itself.
 */
@NullMarked
package io.ignition.bench.load;

import org.jspecify.annotations.NullMarked;
