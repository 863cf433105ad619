/**
 * JMH benchmarks of the core's hot paths: fan-out, subscription churn and quota admission. The
 * frame decoder, the server's frame encoder and the client's cipher are package-private, so their
 * benchmarks live in those packages' names inside this module (there is no module-info to stop a
 * split package on the class path).
 */
@NullMarked
package io.ignition.bench.jmh;

import org.jspecify.annotations.NullMarked;
