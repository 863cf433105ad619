/** Cluster mode: nodes share fan-out and quotas through Redis. Not API. */
@NullMarked
package io.ignition.server.cluster;

import org.jspecify.annotations.NullMarked;
