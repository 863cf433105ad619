package io.ignition.server.internal;

import io.ignition.bench.jmh.BenchData;
import io.ignition.core.Event;
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

/**
 * Encoding one event with 100 bytes of data into the WebSocket frame the server writes: the
 * native event text, its UTF-8 bytes and the frame header, exactly as the server's shared
 * encoder does once per publish. Lives in the encoder's package (in the bench module) because
 * the encoder is package-private. A new event each time, since an event caches its encoding.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventFrameBenchmark {
  /** Encodes a new event into its frame. */
  @Benchmark
  public byte[] encodeEvent() {
    Event event =
        new Event(BenchData.APP, BenchData.CHANNEL, BenchData.EVENT, BenchData.DATA, null);
    return WsFrames.NATIVE_EVENT.apply(event);
  }
}
