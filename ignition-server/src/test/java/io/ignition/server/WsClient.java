package io.ignition.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A test WebSocket client on the JDK's implementation: records every text message and the close.
 * Thread-safe.
 */
final class WsClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private WsClient(URI uri, Map<String, String> headers) {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
    headers.forEach(builder::header);
    this.socket = builder.buildAsync(uri, new Recorder()).orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Connects to {@code /v1} with the key in the query string. */
  static WsClient connect(IgnitionServer server, String key) {
    return connect(server, key, "");
  }

  /** Connects to {@code /v1} on a local port with the key in the query string. */
  static WsClient connect(int port, String key) {
    return open(URI.create("ws://127.0.0.1:" + port + "/v1?key=" + key), Map.of());
  }

  /** Connects with extra query parameters, such as {@code &echo=true}. */
  static WsClient connect(IgnitionServer server, String key, String extraQuery) {
    return open(URI.create("ws://127.0.0.1:" + server.port() + "/v1?key=" + key + extraQuery),
        Map.of());
  }

  static WsClient open(URI uri, Map<String, String> headers) {
    return new WsClient(uri, headers);
  }

  /** Connects and returns the welcome frame's client, failing unless a welcome arrives. */
  static WsClient welcomed(IgnitionServer server, String key) {
    WsClient client = connect(server, key);
    assertThat(client.next().get("op").getAsString()).isEqualTo("welcome");
    return client;
  }

  void send(String text) {
    socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  void sendBinary(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Sends a frame with an id and returns the reply to it, skipping events in between. */
  JsonObject request(String frameWithId, long id) {
    send(frameWithId);
    while (true) {
      JsonObject frame = next();
      if (frame.has("id") && frame.get("id").getAsLong() == id) {
        return frame;
      }
    }
  }

  /** Subscribes and waits for the ok. */
  void subscribe(String channel, long id) {
    JsonObject reply = request("{\"op\":\"subscribe\",\"id\":" + id + ",\"channel\":\""
        + channel + "\"}", id);
    assertThat(reply.get("op").getAsString()).as("subscribe reply %s", reply).isEqualTo("ok");
  }

  /** Returns the next message as JSON, failing after the timeout. */
  JsonObject next() {
    return JsonParser.parseString(nextText()).getAsJsonObject();
  }

  String nextText() {
    try {
      String text = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new AssertionError("no message within " + TIMEOUT + "; closed=" + closed);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Returns the messages received and not yet taken. */
  int pending() {
    return received.size();
  }

  /** Waits for the server to close the connection and returns the code and reason. */
  Closed awaitClose() {
    return closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Waits at most {@code within} for the server to close the connection, failing after it. */
  Closed awaitClose(Duration within) {
    try {
      return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not closed within " + within, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** Drops the TCP connection without a close handshake. */
  void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  record Closed(int code, String reason) {}

  private final class Recorder implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
      closed.complete(new Closed(code, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Closed(1006, String.valueOf(error)));
    }
  }
}
