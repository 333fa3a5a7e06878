package dev.echokit.loadgen;

import dev.echokit.config.ConfigException;
import dev.echokit.config.LoadOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadOptionsTest {

  @Test
  @DisplayName("defaults: 50 connections, 1024-byte messages, depth 1, 10 s after 1 s warm-up, closed loop")
  void defaults() {
    LoadOptions o = LoadOptions.defaults();
    assertThat(o.connections()).isEqualTo(50);
    assertThat(o.sizeMin()).isEqualTo(1024);
    assertThat(o.sizeMax()).isEqualTo(1024);
    assertThat(o.depth()).isEqualTo(1);
    assertThat(o.durationSeconds()).isEqualTo(10);
    assertThat(o.messages()).isZero();
    assertThat(o.warmupSeconds()).isEqualTo(1);
    assertThat(o.openLoop()).isFalse();
    assertThat(o.host()).isEqualTo("localhost");
    assertThat(o.port()).isEqualTo(12345);
  }

  @Test
  @DisplayName("a message count alone means no time limit")
  void messagesAloneHasNoDuration() {
    LoadOptions o = LoadOptions.fromJson(new JsonObject().put("bench", new JsonObject().put("messages", 100)));
    assertThat(o.messages()).isEqualTo(100);
    assertThat(o.durationSeconds()).isZero();
  }

  @Test
  @DisplayName("sizeMin alone means fixed-size messages of that size")
  void sizeMinAloneIsFixed() {
    LoadOptions o = LoadOptions.fromJson(new JsonObject().put("bench", new JsonObject().put("sizeMin", 64)));
    assertThat(o.sizeMax()).isEqualTo(64);
  }

  @Test
  @DisplayName("an out-of-range depth names the key, the layer and the allowed range")
  void depthOutOfRange() {
    assertThatThrownBy(() -> LoadOptions.fromJson(new JsonObject().put("bench", new JsonObject().put("depth", 0))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid bench.depth = 0 (from config): expected a whole number from 1 to 4096");
  }

  @Test
  @DisplayName("sizeMax below sizeMin names the key and the allowed range")
  void sizeMaxBelowMin() {
    assertThatThrownBy(() -> LoadOptions.fromJson(new JsonObject().put("bench", new JsonObject()
        .put("sizeMin", 100).put("sizeMax", 10))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid bench.sizeMax = 10: expected a whole number from 100 to 16777216");
  }

  @Test
  @DisplayName("neither a duration nor a message count is refused")
  void noLimit() {
    assertThatThrownBy(() -> LoadOptions.fromJson(new JsonObject().put("bench", new JsonObject().put("duration", 0))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid bench.duration = 0: expected a duration from 1 to 86400 seconds when bench.messages is 0");
  }

  @Test
  @DisplayName("toJson reads back as the same options")
  void roundTrip() {
    LoadOptions o = LoadOptions.defaults().withPort(7).withSize(10, 20).withDepth(3).withRate(500).withMessages(9);
    assertThat(LoadOptions.fromJson(o.toJson())).isEqualTo(o);
  }
}
