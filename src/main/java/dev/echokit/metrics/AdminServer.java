package dev.echokit.metrics;

import dev.echokit.config.MetricsOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/**
 * The admin HTTP server: {@code /metrics} (Prometheus text), {@code /health/live} and {@code /health/ready}
 * (JSON, 200 or 503), on plain vertx-core HTTP.
 */
public final class AdminServer {

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final Supplier<JsonObject> readiness;

  /**
   * @param readiness the server's state as JSON, with {@code "status": "UP"} when it takes new connections
   */
  private AdminServer(Vertx vertx, PrometheusMeterRegistry registry, Supplier<JsonObject> readiness) {
    this.vertx = vertx;
    this.registry = registry;
    this.readiness = readiness;
  }

  /** Starts listening on {@code metrics.host:metrics.port}; the server closes with the calling verticle. */
  public static Future<HttpServer> start(Vertx vertx, MetricsOptions options, PrometheusMeterRegistry registry,
                                         Supplier<JsonObject> readiness) {
    AdminServer admin = new AdminServer(vertx, registry, readiness);
    return vertx.createHttpServer().requestHandler(admin::handle).listen(options.port(), options.host());
  }

  private void handle(HttpServerRequest request) {
    switch (request.path()) {
      case "/metrics" -> vertx.executeBlocking(registry::scrape, false)   // a scrape must not stall an event loop
          .onSuccess(text -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(text))
          .onFailure(err -> request.response().setStatusCode(500).end(err.toString()));
      case "/health/live" -> json(request, new JsonObject().put("status", "UP"));
      case "/health/ready" -> json(request, readiness.get());
      default -> request.response().setStatusCode(404).end("not found: try /metrics, /health/live, /health/ready\n");
    }
  }

  private static void json(HttpServerRequest request, JsonObject body) {
    request.response()
        .setStatusCode("UP".equals(body.getString("status")) ? 200 : 503)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }
}
