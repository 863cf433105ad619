package io.ignition.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Calls the server's HTTP API with {@link HttpClient}. Thread-safe. */
final class HttpApi {

  private final URI publishUri;
  private final String apiKey;
  private final Duration requestTimeout;
  private final HttpClient client;

  HttpApi(URI baseUrl, String apiKey, Duration connectTimeout, Duration requestTimeout) {
    this.publishUri = resolve(baseUrl, "/v1/publish");
    this.apiKey = apiKey;
    this.requestTimeout = requestTimeout;
    this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
  }

  /**
   * POSTs one event to {@code /v1/publish}. The future completes on HttpClient's threads when
   * the server answers 202, and fails with {@link ServerErrorException} for any other status or
   * {@link IgnitionException} when the server cannot be reached in time.
   */
  CompletableFuture<Void> publish(String channel, String event, JsonElement data) {
    JsonObject body = new JsonObject();
    body.addProperty("channel", channel);
    body.addProperty("event", event);
    body.add("data", data);
    HttpRequest request = HttpRequest.newBuilder(publishUri)
        .timeout(requestTimeout)
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.GSON.toJson(body)))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((response, error) -> {
          if (error != null) {
            throw new CompletionException(unwrapIoError(error));
          }
          if (response.statusCode() != 202) {
            throw new CompletionException(statusError(response));
          }
          return null;
        });
  }

  private Throwable unwrapIoError(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (cause instanceof IOException) {
      return new IgnitionException("publish to " + publishUri + " failed: " + cause, cause);
    }
    return cause;
  }

  private ServerErrorException statusError(HttpResponse<String> response) {
    String context = "publish to " + publishUri + " answered HTTP " + response.statusCode();
    try {
      JsonObject error = Json.object(Json.parseObject(response.body()), "error");
      return new ServerErrorException(Json.string(error, "code"), Json.string(error, "message"),
          context);
    } catch (JsonParseException | IllegalStateException e) {
      String code = response.statusCode() == 401 ? "unauthorized" : "http_" + response.statusCode();
      return new ServerErrorException(code, Json.abbreviate(response.body()), context);
    }
  }

  /** Appends {@code path} to the base URL's own path, so a base behind a prefix keeps it. */
  static URI resolve(URI base, String path) {
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    while (basePath.endsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + path);
  }
}
