package dev.echokit.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ConfigWatcherTest {

  @TempDir
  Path dir;
  WatchedConfig config;
  ConfigWatcher watcher;

  @AfterEach
  void restore() {
    watcher.stop();
    config.close();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a change written after the running configuration was read, before the watcher started, is applied "
      + "by its first check")
  void changeWrittenDuringStartIsApplied(Vertx vertx, VertxTestContext ctx) throws Exception {
    JsonObject running = WatchedConfig.base().put("maxConnections", 1);
    config = new WatchedConfig(dir, running);
    config.write(WatchedConfig.base().put("maxConnections", 2));
    watcher = new ConfigWatcher(vertx, config.file.toString(), new JsonObject(), Map::of, options -> {
      ctx.verify(() -> {
        assertThat(options.limits().maxConnections()).isEqualTo(2);
        ctx.completeNow();
      });
      return Future.succeededFuture();
    });
    watcher.start(Buffer.buffer(running.encodePrettily()), WatchedConfig.SCAN_PERIOD_MILLIS);
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a file unchanged since the running configuration was read is not applied again")
  void unchangedFileIsNotApplied(Vertx vertx, VertxTestContext ctx) throws Exception {
    JsonObject running = WatchedConfig.base();
    config = new WatchedConfig(dir, running);
    watcher = new ConfigWatcher(vertx, config.file.toString(), new JsonObject(), Map::of, options -> {
      ctx.failNow("applied a file that did not change");
      return Future.succeededFuture();
    });
    watcher.start(Buffer.buffer(running.encodePrettily()), WatchedConfig.SCAN_PERIOD_MILLIS);
    // Ten checks of the same content.
    vertx.setTimer(10L * WatchedConfig.SCAN_PERIOD_MILLIS, t -> ctx.completeNow());
  }
}
