package dev.echokit.server;

import dev.echokit.config.ConfigLoader;
import dev.echokit.config.ServerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Re-reads the layered configuration whenever the config file's content changes, and hands options that
 * pass validation to the server; options that do not are reported in one line and the running ones stay.
 */
final class ConfigWatcher {

  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

  private final Vertx vertx;
  private final String path;
  private final JsonObject deploymentConfig;
  private final Consumer<ServerOptions> apply;
  private Buffer lastContent;
  private long timer = -1;

  ConfigWatcher(Vertx vertx, String path, JsonObject deploymentConfig, Consumer<ServerOptions> apply) {
    this.vertx = vertx;
    this.path = path;
    this.deploymentConfig = deploymentConfig;
    this.apply = apply;
  }

  /** Takes the file as it is now as the running version, then checks it every {@code periodMillis}. */
  void start(long periodMillis) {
    vertx.fileSystem().readFile(path).onComplete(first -> {
      lastContent = first.succeeded() ? first.result() : null;
      timer = vertx.setPeriodic(periodMillis, t -> check());
    });
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void check() {
    vertx.fileSystem().readFile(path).onComplete(read -> {
      Buffer content = read.succeeded() ? read.result() : null;
      if (content == null ? lastContent == null : content.equals(lastContent)) {
        return;
      }
      lastContent = content;
      ConfigLoader.load(vertx, deploymentConfig).map(ServerOptions::from)
          .onSuccess(apply::accept)
          .onFailure(err -> log.error("config change in {} rejected, the running configuration stays: {}", path,
              err instanceof dev.echokit.config.ConfigException ? err.getMessage() : err.toString()));
    });
  }
}
