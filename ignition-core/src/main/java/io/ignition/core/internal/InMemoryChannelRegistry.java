package io.ignition.core.internal;

import io.ignition.core.ChannelRegistry;
import io.ignition.core.Event;
import io.ignition.core.Subscriber;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory {@link ChannelRegistry}.
 *
 * <p>Thread-safe; {@link #publish} takes no lock.
 */
public final class InMemoryChannelRegistry implements ChannelRegistry {
  /*
   * Design
   *
   * Each channel of each app is a Channel holding an immutable array of subscribers. Publishing
   * reads the map and the array with plain volatile reads and walks the array: no lock, no
   * allocation beyond the lookup key, and a publisher never waits for a subscribe.
   *
   * Subscribe and unsubscribe replace the array with a copy inside ConcurrentHashMap.compute, which
   * serializes writers of the same channel (writers of other channels run in parallel). Because
   * the copy and the decision to drop an emptied channel happen under that one per-bin lock, a
   * subscribe can never add to a channel that an unsubscribe is removing at the same moment: the
   * classic lost-subscriber race of "check empty, then remove" cannot occur. Writes are rare
   * compared with publishes, and an array copy per write keeps the read side trivially safe.
   *
   * A publisher that read the old array delivers to the old set; that is the usual snapshot
   * semantics. A subscribe's stage is completed only after compute returned, so an event published
   * after the caller saw the completion reads the new array (happens-before via the map's
   * volatile write).
   *
   * The subscription count is a LongAdder changed inside the same compute calls, only when the
   * array really grows or shrinks, so it counts what the map holds; publish never touches it.
   */

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final Subscriber[] NONE = new Subscriber[0];

  private final ConcurrentHashMap<ChannelKey, Channel> channels = new ConcurrentHashMap<>();
  private final LongAdder subscriptions = new LongAdder();

  @Override
  public CompletionStage<Void> subscribe(String app, String channel, Subscriber subscriber) {
    channels.compute(new ChannelKey(app, channel), (key, existing) -> {
      Channel current = existing == null ? new Channel(NONE) : existing;
      Channel next = current.with(subscriber);
      if (next != current) {
        subscriptions.increment();
      }
      return next;
    });
    return DONE;
  }

  @Override
  public void unsubscribe(String app, String channel, Subscriber subscriber) {
    channels.computeIfPresent(new ChannelKey(app, channel), (key, existing) -> {
      Channel next = existing.without(subscriber);
      if (next != existing) {
        subscriptions.decrement();
      }
      return next;
    });
  }

  @Override
  public int publish(Event event) {
    Channel channel = channels.get(new ChannelKey(event.app(), event.channel()));
    if (channel == null) {
      return 0;
    }
    Subscriber[] subscribers = channel.subscribers;
    for (Subscriber subscriber : subscribers) {
      subscriber.deliver(event);
    }
    return subscribers.length;
  }

  @Override
  public int subscriberCount(String app, String channel) {
    Channel found = channels.get(new ChannelKey(app, channel));
    return found == null ? 0 : found.subscribers.length;
  }

  @Override
  public int channelCount() {
    return channels.size();
  }

  @Override
  public long subscriptionCount() {
    return subscriptions.sum();
  }

  private record ChannelKey(String app, String channel) {}

  /** One channel's subscribers; immutable, replaced as a whole. */
  private static final class Channel {
    final Subscriber[] subscribers;

    Channel(Subscriber[] subscribers) {
      this.subscribers = subscribers;
    }

    Channel with(Subscriber subscriber) {
      if (indexOf(subscriber) >= 0) {
        return this;
      }
      Subscriber[] next = Arrays.copyOf(subscribers, subscribers.length + 1);
      next[subscribers.length] = subscriber;
      return new Channel(next);
    }

    /** Returns the channel without the subscriber, or null when none would be left. */
    @Nullable Channel without(Subscriber subscriber) {
      int index = indexOf(subscriber);
      if (index < 0) {
        return this;
      }
      if (subscribers.length == 1) {
        return null;
      }
      Subscriber[] next = new Subscriber[subscribers.length - 1];
      System.arraycopy(subscribers, 0, next, 0, index);
      System.arraycopy(subscribers, index + 1, next, index, next.length - index);
      return new Channel(next);
    }

    private int indexOf(Subscriber subscriber) {
      for (int i = 0; i < subscribers.length; i++) {
        if (subscribers[i] == subscriber) {
          return i;
        }
      }
      return -1;
    }
  }
}
