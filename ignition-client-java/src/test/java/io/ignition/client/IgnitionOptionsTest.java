package io.ignition.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IgnitionOptionsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "ws://localhost:4000, false, ws://localhost:4000/v1",
      "ws://localhost:4000/, false, ws://localhost:4000/v1",
      "wss://rt.example.com/ignition/v1, false, wss://rt.example.com/ignition/v1",
      "ws://localhost:4000, true, ws://localhost:4000/v1?echo=true",
      "ws://localhost:4000/v1?x=1, true, ws://localhost:4000/v1?x=1&echo=true"})
  void webSocketUri_givenUrl_addsV1WhenPathlessAndEchoWhenAsked(String url, boolean echo,
      String expected) {
    IgnitionOptions options = IgnitionOptions.builder().url(url).apiKey("k").echo(echo).build();

    assertThat(options.webSocketUri()).hasToString(expected);
  }

  @Test
  void builder_defaults_areDocumentedValues() {
    IgnitionOptions options = IgnitionOptions.builder().url("ws://h").apiKey("k").build();

    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.bufferCapacity()).isEqualTo(1000);
    assertThat(options.bufferTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.reconnect()).isTrue();
    assertThat(options.echo()).isFalse();
    assertThat(options.encryptionKey()).isNull();
    assertThat(options.callbackExecutor()).isNull();
  }

  @Test
  void builder_invalidValues_areRejectedAtOnce() {
    IgnitionOptions.Builder builder = IgnitionOptions.builder();

    assertThatThrownBy(() -> builder.url("http://localhost:4000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must start with ws:// or wss://, was http://localhost:4000");
    assertThatThrownBy(() -> builder.url("ws://bad host"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("url is not a valid");
    assertThatThrownBy(() -> builder.apiKey(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("apiKey must not be blank");
    assertThatThrownBy(() -> builder.encryptionKey(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.httpUrl("ws://localhost:4001"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> builder.bufferCapacity(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void build_missingUrlOrKeyOrBackoffInverted_throws() {
    assertThatThrownBy(() -> IgnitionOptions.builder().apiKey("k").build())
        .isInstanceOf(NullPointerException.class).hasMessage("url is required");
    assertThatThrownBy(() -> IgnitionOptions.builder().url("ws://h").build())
        .isInstanceOf(NullPointerException.class).hasMessage("apiKey is required");
    assertThatThrownBy(() -> IgnitionOptions.builder().url("ws://h").apiKey("k")
        .reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initial backoff PT5S must not exceed max backoff PT1S");
  }

  @Test
  void newBuilder_changedSetting_leavesTheOriginalAlone() {
    IgnitionOptions original = IgnitionOptions.builder().url("ws://h").apiKey("k").build();

    IgnitionOptions variant = original.newBuilder().encryptionKey("RADHA").build();

    assertThat(variant.encryptionKey()).isEqualTo("RADHA");
    assertThat(variant.url()).isEqualTo(original.url());
    assertThat(original.encryptionKey()).isNull();
  }
}
