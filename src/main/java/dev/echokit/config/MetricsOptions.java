package dev.echokit.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

import static dev.echokit.config.ServerOptions.checkRange;
import static dev.echokit.config.ServerOptions.checkText;

/**
 * Typed, validated settings of the admin HTTP server, which serves Prometheus metrics and health checks.
 *
 * @param enabled whether the server keeps meters and serves {@code /metrics} and {@code /health/*}
 * @param host    address the admin server binds
 * @param port    its TCP port; 0 picks any free port
 */
public record MetricsOptions(boolean enabled, String host, int port) {

  public static final String ENABLED = "metrics.enabled";
  public static final String HOST = "metrics.host";
  public static final String PORT = "metrics.port";
  public static final Set<String> KEYS = Set.of(ENABLED, HOST, PORT);

  /** Loopback: metrics and health reveal load and addresses, so they are not served to the network unless asked. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The port after the tutorial's echo port, so that the two are easy to find together. */
  public static final int DEFAULT_PORT = 12346;

  /** No admin server and no meters: for tests and embedders that want nothing but the echo. */
  public static final MetricsOptions OFF = new MetricsOptions(false, DEFAULT_HOST, DEFAULT_PORT);

  public MetricsOptions {
    checkText(HOST, host);
    checkRange(PORT, port, 0, 65535);
  }

  public static MetricsOptions defaults() {
    return from(new Settings());
  }

  public static MetricsOptions from(Settings s) {
    return new MetricsOptions(
        s.bool(ENABLED, true),
        s.string(HOST, DEFAULT_HOST),
        s.integer(PORT, DEFAULT_PORT, 0, 65535));
  }

  /** Adds this record's keys to {@code json}, nested under {@code metrics}. */
  JsonObject addTo(JsonObject json) {
    return json.put("metrics", new JsonObject().put("enabled", enabled).put("host", host).put("port", port));
  }

  public MetricsOptions withPort(int newPort) {
    return new MetricsOptions(enabled, host, newPort);
  }
}
