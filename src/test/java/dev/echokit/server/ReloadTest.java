package dev.echokit.server;

import dev.echokit.config.ServerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class ReloadTest {

  @TempDir
  Path dir;
  WatchedConfig config;

  @BeforeEach
  void configFile() throws Exception {
    config = new WatchedConfig(dir, limited(1));
  }

  @AfterEach
  void restore() {
    config.close();
  }

  static JsonObject limited(int maxConnections) {
    return WatchedConfig.base().put("maxConnections", maxConnections);
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a raised maxConnections in the config file is applied without a restart")
  void raisedLimitApplies(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle();
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      try (Socket first = LimitsTest.connect(server, "127.0.0.1")) {
        assertThat(LimitsTest.echo(first, "one")).isEqualTo("one");
        try (Socket refused = LimitsTest.connect(server, "127.0.0.1")) {
          assertThat(LimitsTest.readUntilClosed(refused)).isZero();
        }
        config.write(limited(2));
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.options().limits().maxConnections() == 2);
        try (Socket second = LimitsTest.connect(server, "127.0.0.1")) {
          assertThat(LimitsTest.echo(second, "two")).as("the first connection is still open").isEqualTo("two");
        }
        assertThat(LimitsTest.echo(first, "still here")).isEqualTo("still here");
      }
      return null;
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a config file change that fails validation is reported in one line and the running limits stay")
  void invalidChangeIsRejected(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle();
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      config.write(limited(0));
      await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("rejected"));
      return server.options().limits().maxConnections();
    })).onComplete(ctx.succeeding(max -> ctx.verify(() -> {
      assertThat(max).isEqualTo(1);
      assertThat(config.line("rejected")).isEqualTo("config change in " + config.file + " rejected, the running "
          + "configuration stays: invalid maxConnections = 0 (from " + config.file + "): expected a whole number from 1 "
          + "to 1000000");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a change the server cannot apply live, such as writeQueueMaxSize, is named as needing a restart")
  void restartOnlyChangeIsNamed(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle();
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      config.write(limited(1).put("writeQueueMaxSize", 4096));
      await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("after a restart"));
      return server.options().writeQueueMaxSize();
    })).onComplete(ctx.succeeding(size -> ctx.verify(() -> {
      assertThat(size).isEqualTo(ServerOptions.DEFAULT_WRITE_QUEUE_MAX_SIZE);
      assertThat(config.line("after a restart")).isEqualTo("config change of writeQueueMaxSize takes effect after a "
          + "restart");
      ctx.completeNow();
    })));
  }
}
