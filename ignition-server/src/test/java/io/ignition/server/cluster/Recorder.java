package io.ignition.server.cluster;

import io.ignition.core.Event;
import io.ignition.core.Subscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A subscriber that records the data of every event it receives. Thread-safe. */
final class Recorder implements Subscriber {
  final List<String> data = new CopyOnWriteArrayList<>();

  @Override
  public void deliver(Event event) {
    data.add(event.data());
  }

  /** Returns "0", "1", ... up to {@code count - 1}: the data of numbered test events. */
  static List<String> numbers(int count) {
    List<String> numbers = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      numbers.add(Integer.toString(n));
    }
    return numbers;
  }
}
