/**
 * {@code java -jar ignition-bench.jar}: the JMH suite with its targets, the load tool and the idle
 * connection probe (docs/performance.md).
 */
@NullMarked
package io.ignition.bench;

import org.jspecify.annotations.NullMarked;
