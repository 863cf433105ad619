package io.ignition.core.internal;

import io.ignition.bench.jmh.BenchData;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding a typical emit frame with 100 bytes of data, as a session does on every emit: the
 * decode, then the slice of {@code data} that is forwarded. Lives in the decoder's package (in the
 * bench module) because the decoder is package-private.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameDecoderBenchmark {
  private final String frame = BenchData.EMIT_FRAME;

  /** Decodes the frame and slices its data. */
  @Benchmark
  public void decodeEmit(Blackhole blackhole) throws ProtocolException {
    Frame decoded = FrameDecoder.decode(frame);
    blackhole.consume(decoded);
    blackhole.consume(decoded.data());
  }
}
