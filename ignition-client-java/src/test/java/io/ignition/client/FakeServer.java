package io.ignition.client;

import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * An in-memory stand-in for the server behind the {@link Transport} seam. Each connection has
 * its own "fake-io" thread that delivers every callback, as a real socket's read thread would.
 * By default it welcomes, answers every frame with {@code ok} and remembers subscriptions;
 * tests switch behaviours with the methods below. Thread-safe.
 */
final class FakeServer implements TransportFactory {

  /** How a new connection is answered. */
  enum Greeting { WELCOME, REFUSE_4001, UNREACHABLE, SILENT }

  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final Set<String> refusedChannels = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private volatile Greeting greeting = Greeting.WELCOME;
  private volatile boolean autoReply = true;
  private volatile Map<String, String> lastHeaders = Map.of();
  private volatile URI lastUri = URI.create("ws://unset");

  /** One connection attempt the client opened. */
  final class Connection implements Transport {

    private final TransportListener listener;
    private final ExecutorService io;
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;

    Connection(TransportListener listener) {
      this.listener = listener;
      int number = connectionCount.incrementAndGet();
      this.io = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "fake-io-" + number);
        thread.setDaemon(true);
        return thread;
      });
    }

    @Override
    public boolean send(String text) {
      if (!open) {
        return false;
      }
      JsonObject frame = JsonParser.parseString(text).getAsJsonObject();
      received.add(frame);
      if (autoReply) {
        answer(frame);
      }
      return true;
    }

    @Override
    public void close(int code, String reason) {
      open = false;
    }

    /** Frames the client sent on this connection, in order. */
    List<JsonObject> received() {
      return new ArrayList<>(received);
    }

    /** The ops and channels or events of received frames, e.g. "subscribe news". */
    List<String> summary() {
      return received.stream().map(FakeServer::summarize).collect(Collectors.toList());
    }

    Set<String> subscriptions() {
      return Set.copyOf(subscriptions);
    }

    boolean isOpen() {
      return open;
    }

    /** Sends a raw frame to the client from this connection's I/O thread. */
    void deliver(String text) {
      io.execute(() -> {
        if (open) {
          listener.onText(text);
        }
      });
    }

    /** Answers a received frame as the default behaviour would have. */
    void answer(JsonObject frame) {
      io.execute(() -> {
        if (open) {
          listener.onText(replyTo(frame, subscriptions));
        }
      });
    }

    /** Closes from the server side with {@code code}, as a dropped or closed socket would. */
    void drop(int code, String reason) {
      io.execute(() -> {
        if (open) {
          open = false;
          listener.onClosed(code, reason);
        }
      });
    }

    void event(String channel, String event, String dataJson) {
      deliver("{\"op\":\"event\",\"channel\":\"" + channel + "\",\"event\":\"" + event
          + "\",\"data\":" + dataJson + "}");
    }

    private void greet() {
      io.execute(() -> {
        switch (greeting) {
          case WELCOME -> listener.onText("{\"op\":\"welcome\",\"connection\":\"c-"
              + connectionCount.get() + "\",\"plan\":\"hobby\",\"limits\":{\"dailyRequests\":100,"
              + "\"connections\":10,\"maxFrameBytes\":65536,\"maxChannels\":100}}");
          case REFUSE_4001 -> {
            open = false;
            listener.onClosed(4001, "unknown API key");
          }
          case UNREACHABLE -> {
            open = false;
            listener.onClosed(-1, "java.net.ConnectException: Connection refused");
          }
          default -> { }
        }
      });
    }
  }

  @Override
  public Transport open(URI uri, Map<String, String> headers, Duration connectTimeout,
      Duration pingInterval, TransportListener listener) {
    lastUri = uri;
    lastHeaders = headers;
    Connection connection = new Connection(listener);
    connections.add(connection);
    connection.greet();
    return connection;
  }

  void greeting(Greeting next) {
    this.greeting = next;
  }

  /** Stops answering frames; tests answer with {@link Connection#answer}. */
  void autoReply(boolean enabled) {
    this.autoReply = enabled;
  }

  /** Subscribes to {@code channel} are answered with error invalid_channel. */
  void refuseChannel(String channel) {
    refusedChannels.add(channel);
  }

  List<Connection> connections() {
    return List.copyOf(connections);
  }

  Connection latest() {
    return connections.get(connections.size() - 1);
  }

  /** Waits for connection number {@code count}, counted from 1, to be opened. */
  Connection awaitConnection(int count) {
    await().atMost(5, TimeUnit.SECONDS).until(() -> connections.size() >= count);
    return connections.get(count - 1);
  }

  URI lastUri() {
    return lastUri;
  }

  Map<String, String> lastHeaders() {
    return lastHeaders;
  }

  private String replyTo(JsonObject frame, Set<String> subscriptions) {
    long id = frame.get("id").getAsLong();
    String op = frame.get("op").getAsString();
    JsonElement channel = frame.get("channel");
    if (op.equals("subscribe") && refusedChannels.contains(channel.getAsString())) {
      return "{\"op\":\"error\",\"id\":" + id
          + ",\"code\":\"invalid_channel\",\"message\":\"channel refused by test\"}";
    }
    if (op.equals("subscribe")) {
      subscriptions.add(channel.getAsString());
    } else if (op.equals("unsubscribe")) {
      subscriptions.remove(channel.getAsString());
    } else if (op.equals("info")) {
      return "{\"op\":\"ok\",\"id\":" + id + ",\"data\":{\"app\":\"acme\",\"plan\":\"hobby\","
          + "\"limits\":{\"dailyRequests\":100,\"connections\":10,\"maxFrameBytes\":65536,"
          + "\"maxChannels\":100},\"usage\":{\"requestsToday\":3,\"requestsLeft\":97,"
          + "\"connections\":1,\"resetAt\":\"2025-12-04T00:00:00Z\"}}}";
    }
    return "{\"op\":\"ok\",\"id\":" + id + "}";
  }

  private static String summarize(JsonObject frame) {
    String op = frame.get("op").getAsString();
    if (op.equals("emit")) {
      return "emit " + frame.get("channel").getAsString() + " " + frame.get("event").getAsString()
          + " " + frame.get("data");
    }
    return frame.has("channel") ? op + " " + frame.get("channel").getAsString() : op;
  }
}
