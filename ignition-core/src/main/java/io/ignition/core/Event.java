package io.ignition.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One event published to a channel of an app.
 *
 * <p>{@code data} is the event's payload as raw JSON text, forwarded to subscribers byte for byte.
 * An event is immutable and shared by every delivery; what a transport makes of it (a JSON text, a
 * framed WebSocket message) is computed once per publish through {@link #encoded} and shared too.
 *
 * <p>Thread-safe.
 */
public final class Event {
  private static final VarHandle ENCODINGS;

  static {
    try {
      ENCODINGS = MethodHandles.lookup().findVarHandle(Event.class, "encodings", Object[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String app;
  private final String channel;
  private final String name;
  private final String data;
  private final @Nullable Object origin;

  /** Pairs of (encoder, encoded value), replaced as a whole by compare-and-set. */
  @SuppressWarnings("unused") // accessed through ENCODINGS
  private volatile Object @Nullable [] encodings;

  /**
   * Creates an event. Names are not validated here; {@link EventHub} validates what clients send.
   *
   * @param app the id of the app whose channel it is published to
   * @param channel the channel
   * @param name the event's name
   * @param data the payload as JSON text
   * @param origin the subscriber that published it, so it can skip its own event; null when it
   *     came from outside any connection (HTTP, embedding code)
   */
  public Event(String app, String channel, String name, String data, @Nullable Object origin) {
    this.app = Objects.requireNonNull(app, "app");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.name = Objects.requireNonNull(name, "name");
    this.data = Objects.requireNonNull(data, "data");
    this.origin = origin;
  }

  /** Returns the id of the app. */
  public String app() {
    return app;
  }

  /** Returns the channel. */
  public String channel() {
    return channel;
  }

  /** Returns the event's name. */
  public String name() {
    return name;
  }

  /** Returns the payload as raw JSON text. */
  public String data() {
    return data;
  }

  /** Returns the subscriber that published the event, or null when none did. */
  public @Nullable Object origin() {
    return origin;
  }

  /**
   * Returns this event as {@code encoder} renders it, computing it on first use and sharing the
   * result with every later caller that passes the same encoder instance. Encoders must be pure
   * and long-lived (constants): the cache is keyed by identity and holds a handful of entries.
   */
  @SuppressWarnings("unchecked")
  public <T> T encoded(Function<Event, T> encoder) {
    Object[] current = (Object[]) ENCODINGS.getAcquire(this);
    T found = find(current, encoder);
    if (found != null) {
      return found;
    }
    T value = Objects.requireNonNull(encoder.apply(this), "encoder returned null");
    while (true) {
      Object[] next = append(current, encoder, value);
      Object[] witness = (Object[]) ENCODINGS.compareAndExchange(this, current, next);
      if (witness == current) {
        return value;
      }
      current = witness;
      found = find(current, encoder);
      if (found != null) {
        return found;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> @Nullable T find(Object @Nullable [] pairs, Object encoder) {
    if (pairs != null) {
      for (int i = 0; i < pairs.length; i += 2) {
        if (pairs[i] == encoder) {
          return (T) pairs[i + 1];
        }
      }
    }
    return null;
  }

  private static Object[] append(Object @Nullable [] pairs, Object encoder, Object value) {
    int length = pairs == null ? 0 : pairs.length;
    Object[] next = new Object[length + 2];
    if (pairs != null) {
      System.arraycopy(pairs, 0, next, 0, length);
    }
    next[length] = encoder;
    next[length + 1] = value;
    return next;
  }

  @Override
  public String toString() {
    return "Event[app=" + app + ", channel=" + channel + ", name=" + name + "]";
  }
}
