package dev.echokit.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ConfigLayersTest {

  @TempDir
  Path dir;

  /** System properties naming {@code file} as the config file, plus any extra pairs. */
  Properties sys(Path file, String... pairs) {
    Properties p = new Properties();
    p.setProperty(ConfigLoader.FILE_PROPERTY, file.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      p.setProperty(pairs[i], pairs[i + 1]);
    }
    return p;
  }

  Path file(String json) throws IOException {
    return Files.writeString(dir.resolve("config.json"), json);
  }

  void expectPort(Vertx vertx, VertxTestContext ctx, JsonObject deployment, Map<String, String> env, Properties sys,
                  int port) {
    ConfigLoader.load(vertx, deployment, env, sys).map(ServerOptions::from)
        .onComplete(ctx.succeeding(options -> ctx.verify(() -> {
          assertThat(options.port()).isEqualTo(port);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("with no layer set, the defaults reproduce the tutorial: localhost:12345")
  void defaults(Vertx vertx, VertxTestContext ctx) throws IOException {
    ConfigLoader.load(vertx, null, Map.of(), sys(file("{}"))).map(ServerOptions::from)
        .onComplete(ctx.succeeding(options -> ctx.verify(() -> {
          assertThat(options.host()).isEqualTo("localhost");
          assertThat(options.port()).isEqualTo(12345);
          assertThat(options.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the config file wins over the defaults")
  void fileOverDefaults(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectPort(vertx, ctx, null, Map.of(), sys(file("{\"port\": 1000}")), 1000);
  }

  @Test
  @DisplayName("an ECHOKIT_* environment variable wins over the config file")
  void envOverFile(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectPort(vertx, ctx, null, Map.of("ECHOKIT_PORT", "2000"), sys(file("{\"port\": 1000}")), 2000);
  }

  @Test
  @DisplayName("a -Dechokit.* system property wins over the environment")
  void sysOverEnv(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectPort(vertx, ctx, null, Map.of("ECHOKIT_PORT", "2000"),
        sys(file("{\"port\": 1000}"), "echokit.port", "3000"), 3000);
  }

  @Test
  @DisplayName("the launcher's -conf / deployment config wins over system properties")
  void deploymentOverSys(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectPort(vertx, ctx, new JsonObject().put("port", 4000), Map.of("ECHOKIT_PORT", "2000"),
        sys(file("{\"port\": 1000}"), "echokit.port", "3000"), 4000);
  }

  @Test
  @DisplayName("nested keys are set from the environment by one naming rule")
  void nestedKeyFromEnvironment(Vertx vertx, VertxTestContext ctx) throws IOException {
    ConfigLoader.load(vertx, null, Map.of("ECHOKIT_CLIENT_CONNECT_TIMEOUT", "1234"), sys(file("{}")))
        .map(ClientOptions::from)
        .onComplete(ctx.succeeding(options -> ctx.verify(() -> {
          assertThat(options.connectTimeoutMillis()).isEqualTo(1234);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("key names map to ECHOKIT_ variables and -Dechokit. properties by one rule")
  void namingRule() {
    assertThat(Settings.envName("metrics.port")).isEqualTo("ECHOKIT_METRICS_PORT");
    assertThat(Settings.envName("logLevel")).isEqualTo("ECHOKIT_LOG_LEVEL");
    assertThat(Settings.envName("client.connectTimeout")).isEqualTo("ECHOKIT_CLIENT_CONNECT_TIMEOUT");
    assertThat(Settings.sysName("metrics.port")).isEqualTo("echokit.metrics.port");
  }
}
