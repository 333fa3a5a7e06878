package dev.echokit.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.echokit.config.ConfigLoader;
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
import org.slf4j.LoggerFactory;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class ReloadTest {

  @TempDir
  Path dir;
  Path file;
  final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void configFile() throws Exception {
    file = dir.resolve("config.json");
    write(1, "127.0.0.1");
    System.setProperty(ConfigLoader.FILE_PROPERTY, file.toString());
    logged.start();
    ((Logger) LoggerFactory.getLogger("dev.echokit.server")).addAppender(logged);
  }

  @AfterEach
  void restore() {
    System.clearProperty(ConfigLoader.FILE_PROPERTY);
    ((Logger) LoggerFactory.getLogger("dev.echokit.server")).detachAppender(logged);
  }

  void write(int maxConnections, String host) throws Exception {
    Files.writeString(file, new JsonObject().put("host", host).put("port", 0).put("instances", 1)
        .put("maxConnections", maxConnections).put("config", new JsonObject().put("scanPeriod", 100))
        .put("metrics", new JsonObject().put("enabled", false)).encode());
  }

  boolean logs(String text) {
    return logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
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
        write(2, "127.0.0.1");
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
      write(0, "127.0.0.1");
      await().atMost(10, TimeUnit.SECONDS).until(() -> logs("rejected"));
      return server.options().limits().maxConnections();
    })).onComplete(ctx.succeeding(max -> ctx.verify(() -> {
      assertThat(max).isEqualTo(1);
      assertThat(logs("config change in " + file + " rejected, the running configuration stays: "
          + "invalid maxConnections = 0 (from " + file + "): expected a whole number from 1 to 1000000")).isTrue();
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a change the server cannot apply live, such as host, is named as needing a restart")
  void restartOnlyChangeIsNamed(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle();
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      write(1, "127.0.0.2");
      await().atMost(10, TimeUnit.SECONDS).until(() -> logs("after a restart"));
      return server.options().host();
    })).onComplete(ctx.succeeding(host -> ctx.verify(() -> {
      assertThat(host).isEqualTo("127.0.0.1");
      assertThat(logs("config change of host takes effect after a restart")).isTrue();
      ctx.completeNow();
    })));
  }
}
