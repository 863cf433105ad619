package io.ignition.core.internal;

import io.ignition.core.Event;
import io.ignition.core.Subscriber;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A {@link Subscriber} that records every event delivered to it; thread-safe. */
final class RecordingSubscriber implements Subscriber {
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

  @Override
  public void deliver(Event event) {
    events.add(event);
  }

  /** Returns the events delivered so far, in delivery order. */
  List<Event> events() {
    return List.copyOf(events);
  }
}
