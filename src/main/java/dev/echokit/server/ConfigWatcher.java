package dev.echokit.server;

import dev.echokit.config.ConfigException;
import dev.echokit.config.ConfigLoader;
import dev.echokit.config.ServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Re-reads the layered configuration whenever the config file's content changes, or the content of a
 * certificate, key or trust file that a running TLS listener loaded, and hands options that pass validation to
 * the server; a change that is rejected is reported in one line and the running configuration stays.
 */
final class ConfigWatcher {

  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

  private final Vertx vertx;
  private final String path;
  private final JsonObject deploymentConfig;
  /** Each TLS file a running listener loaded, with the SHA-256 of the content it loaded. */
  private final Supplier<Map<String, String>> tlsInUse;
  private final Function<ServerOptions, Future<Void>> apply;
  /** The config file's content as last handed to the server (null: unreadable), so a change is tried once. */
  private Buffer lastContent;
  /** The TLS files' digests as last tried, so that a file the server could not load is not retried every scan. */
  private Map<String, String> lastTried = Map.of();
  /** True from a check that found a change until the server has applied or rejected it. */
  private boolean busy;
  private long timer = -1;

  ConfigWatcher(Vertx vertx, String path, JsonObject deploymentConfig, Supplier<Map<String, String>> tlsInUse,
                Function<ServerOptions, Future<Void>> apply) {
    this.vertx = vertx;
    this.path = path;
    this.deploymentConfig = deploymentConfig;
    this.tlsInUse = tlsInUse;
    this.apply = apply;
  }

  /**
   * Takes {@code running} as the running version of the file, then checks it every {@code periodMillis}: the
   * caller reads it before it loads the configuration, so no change written since then can be missed.
   */
  void start(Buffer running, long periodMillis) {
    lastContent = running;
    timer = vertx.setPeriodic(periodMillis, t -> check());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void check() {
    if (busy) {
      // A change is still being applied (new listeners binding, old ones draining): look again next period.
      return;
    }
    busy = true;
    Map<String, String> inUse = tlsInUse.get();
    // A file that cannot be read (missing, mid-rewrite) fails its future: never an exception here.
    Future<Buffer> config = vertx.fileSystem().readFile(path);
    Map<String, Future<Buffer>> tls = new HashMap<>();
    inUse.keySet().forEach(file -> tls.put(file, vertx.fileSystem().readFile(file)));
    List<Future<Buffer>> all = new ArrayList<>(tls.values());
    all.add(config);
    Future.join(all).onComplete(read -> {
      Buffer content = config.result();
      Map<String, String> now = new HashMap<>();
      List<String> rotated = new ArrayList<>();
      tls.forEach((file, f) -> {
        if (f.succeeded()) {
          String digest = TlsFiles.digest(f.result());
          now.put(file, digest);
          if (!digest.equals(inUse.get(file)) && !digest.equals(lastTried.get(file))) {
            rotated.add(file);
          }
        }
      });
      boolean configChanged = !Objects.equals(content, lastContent);
      if (!configChanged && rotated.isEmpty()) {
        busy = false;
        return;
      }
      lastContent = content;
      lastTried = now;
      String change = configChanged ? "config change in " + path : "change of " + String.join(", ", rotated);
      ConfigLoader.load(vertx, deploymentConfig).map(ServerOptions::from)
          .compose(apply)
          .onFailure(err -> log.error("{} rejected, the running configuration stays: {}", change,
              err instanceof ConfigException || err instanceof ListenException ? err.getMessage() : err.toString()))
          .onComplete(done -> busy = false);
    });
  }
}
