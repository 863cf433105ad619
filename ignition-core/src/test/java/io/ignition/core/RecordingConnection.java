package io.ignition.core;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Connection} that records what the core sends and closes; thread-safe. */
final class RecordingConnection implements Connection {
  /** One call to {@link #close}. */
  record Close(int code, String reason) {}

  private final String id;
  private final List<String> texts = new CopyOnWriteArrayList<>();
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<Close> closes = new CopyOnWriteArrayList<>();

  RecordingConnection(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return InetSocketAddress.createUnresolved("test.invalid", 40_000);
  }

  @Override
  public void send(String text) {
    texts.add(text);
  }

  @Override
  public void send(Event event) {
    events.add(event);
  }

  @Override
  public void close(int code, String reason) {
    closes.add(new Close(code, reason));
  }

  /** Returns the text frames sent so far, oldest first. */
  List<String> texts() {
    return List.copyOf(texts);
  }

  /** Returns the events sent so far, oldest first. */
  List<Event> events() {
    return List.copyOf(events);
  }

  /** Returns the closes so far, oldest first. */
  List<Close> closes() {
    return List.copyOf(closes);
  }
}
