package dev.echokit.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class BadConfigTest {

  @TempDir
  Path dir;

  void expectError(Vertx vertx, VertxTestContext ctx, String fileText, Map<String, String> env, String message)
      throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), fileText);
    Properties sys = new Properties();
    sys.setProperty(ConfigLoader.FILE_PROPERTY, file.toString());
    ConfigLoader.load(vertx, null, env, sys).map(ServerOptions::from)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class).hasMessage(message.replace("FILE", file.toString()));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("invalid JSON names the file, the line and the column")
  void invalidJson(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\n  \"port\": 1,\n  oops\n}", Map.of(), "FILE: invalid JSON at line 3 column 3");
  }

  @Test
  @DisplayName("a JSON array instead of an object is refused")
  void notAnObject(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "[1, 2]");
    Properties sys = new Properties();
    sys.setProperty(ConfigLoader.FILE_PROPERTY, file.toString());
    ConfigLoader.load(vertx, null, Map.of(), sys).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ConfigException.class).hasMessageStartingWith(file + ": not a JSON object");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a config file that does not exist is named, with where its path came from")
  void missingFile(Vertx vertx, VertxTestContext ctx) {
    Properties sys = new Properties();
    sys.setProperty(ConfigLoader.FILE_PROPERTY, dir.resolve("nope.json").toString());
    ConfigLoader.load(vertx, null, Map.of(), sys).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(dir.resolve("nope.json") + ": cannot read the config file");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("an out-of-range port names the key, the layer and the allowed range")
  void portOutOfRange(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"port\": 70000}", Map.of(),
        "invalid port = 70000 (from FILE): expected a whole number from 0 to 65535");
  }

  @Test
  @DisplayName("instances below 1 names the key and the allowed range")
  void instancesOutOfRange(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"instances\": 0}", Map.of(),
        "invalid instances = 0 (from FILE): expected a whole number from 1 to 256");
  }

  @Test
  @DisplayName("a port that is not a number, from the environment, names the variable")
  void portNotANumberFromEnv(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{}", Map.of("ECHOKIT_PORT", "abc"),
        "invalid port = \"abc\" (from environment ECHOKIT_PORT): expected a whole number from 0 to 65535");
  }

  @Test
  @DisplayName("a string where a number belongs is refused")
  void wrongType(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"writeQueueMaxSize\": true}", Map.of(),
        "invalid writeQueueMaxSize = true (from FILE): expected a whole number from 1024 to 67108864");
  }

  @Test
  @DisplayName("an unknown log level lists the allowed ones")
  void badLogLevel(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"logLevel\": \"loud\"}", Map.of(),
        "invalid logLevel = \"loud\" (from FILE): expected one of error, warn, info, debug, trace");
  }

  @Test
  @DisplayName("a shutdown timeout above one minute names the key, the layer and the range")
  void shutdownTimeoutOutOfRange(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{}", Map.of("ECHOKIT_SHUTDOWN_TIMEOUT", "120000"),
        "invalid shutdownTimeout = \"120000\" (from environment ECHOKIT_SHUTDOWN_TIMEOUT): expected a whole number from 0 to 60000");
  }

  @Test
  @DisplayName("maxConnections of 0 names the key, the layer and the range")
  void maxConnectionsZero(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"maxConnections\": 0}", Map.of(),
        "invalid maxConnections = 0 (from FILE): expected a whole number from 1 to 1000000");
  }

  @Test
  @DisplayName("maxConnectionsPerIp that is not a number, from the environment, names the variable")
  void maxConnectionsPerIpNotANumber(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{}", Map.of("ECHOKIT_MAX_CONNECTIONS_PER_IP", "many"),
        "invalid maxConnectionsPerIp = \"many\" (from environment ECHOKIT_MAX_CONNECTIONS_PER_IP): expected a whole number from 1 to 1000000");
  }

  @Test
  @DisplayName("a negative idleTimeout names the key, the layer and the range")
  void idleTimeoutNegative(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"idleTimeout\": -1}", Map.of(),
        "invalid idleTimeout = -1 (from FILE): expected a whole number from 0 to 86400000");
  }

  @Test
  @DisplayName("maxConnectionBytes above 1 TiB names the key, the layer and the range")
  void maxConnectionBytesTooLarge(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{}", Map.of("ECHOKIT_MAX_CONNECTION_BYTES", "2000000000000"),
        "invalid maxConnectionBytes = \"2000000000000\" (from environment ECHOKIT_MAX_CONNECTION_BYTES): expected a whole number from 0 to 1099511627776");
  }

  @Test
  @DisplayName("a fractional maxConnectionDuration names the key, the layer and the range")
  void maxConnectionDurationFraction(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"maxConnectionDuration\": 1.5}", Map.of(),
        "invalid maxConnectionDuration = 1.5 (from FILE): expected a whole number from 0 to 2592000000");
  }

  @Test
  @DisplayName("metrics.enabled that is not a boolean, from the environment, names the variable")
  void metricsEnabledNotABoolean(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{}", Map.of("ECHOKIT_METRICS_ENABLED", "yes"),
        "invalid metrics.enabled = \"yes\" (from environment ECHOKIT_METRICS_ENABLED): expected true or false");
  }

  @Test
  @DisplayName("an out-of-range metrics.port, nested in the file, names the dotted key and the range")
  void metricsPortOutOfRange(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"metrics\": {\"port\": 70000}}", Map.of(),
        "invalid metrics.port = 70000 (from FILE): expected a whole number from 0 to 65535");
  }

  @Test
  @DisplayName("an empty metrics.host names the key and the layer")
  void metricsHostEmpty(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"metrics\": {\"host\": \" \"}}", Map.of(),
        "invalid metrics.host = \" \" (from FILE): expected a non-empty string");
  }

  @Test
  @DisplayName("a config.scanPeriod below 100 ms names the key, the layer and what is allowed")
  void scanPeriodTooShort() {
    assertThatThrownBy(() -> ReloadOptions.from(Settings.of(new JsonObject().put("config",
        new JsonObject().put("scanPeriod", 50)))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid config.scanPeriod = 50 (from config): expected 0 (off) or a whole number from 100 to 3600000");
  }

  @Test
  @DisplayName("an unknown key is ignored with a warning that suggests the key meant")
  void unknownKeyWarns(Vertx vertx, VertxTestContext ctx) throws IOException {
    Logger logger = (Logger) LoggerFactory.getLogger(ConfigLoader.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    Path file = Files.writeString(dir.resolve("config.json"), "{\"prot\": 7}");
    Properties sys = new Properties();
    sys.setProperty(ConfigLoader.FILE_PROPERTY, file.toString());
    ConfigLoader.load(vertx, null, Map.of(), sys).onComplete(ctx.succeeding(settings -> ctx.verify(() -> {
      logger.detachAppender(appender);
      assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly("unknown config key prot (" + file + ") is ignored — did you mean port?");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("options built in code are validated too")
  void recordValidation() {
    assertThatThrownBy(() -> ServerOptions.defaults().withPort(-5))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid port = -5: expected a whole number from 0 to 65535");
    assertThatThrownBy(() -> ClientOptions.fromJson(new JsonObject().put("client",
        new JsonObject().put("messages", new io.vertx.core.json.JsonArray()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid client.messages: expected at least one message");
  }
}
