package dev.echokit.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * The Prometheus registry behind {@code /metrics}: the one Vert.x fills with its own meters when a launcher
 * built it with {@link #vertxMetricsOptions()}, else a private one for EchoKit's meters alone.
 */
public final class PrometheusRegistry {

  /** Names the registry Vert.x creates, so that the server can find it again. */
  public static final String NAME = "echokit";

  private PrometheusRegistry() {
  }

  /**
   * Vert.x metrics (net, event loops, JVM not included) into a Prometheus registry and no embedded server:
   * EchoKit's admin server scrapes it, next to its health checks. Set at Vert.x build time only.
   */
  public static MicrometerMetricsOptions vertxMetricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(NAME)
        // The only HTTP server is the admin one: its request meters are noise, and Vert.x registers its
        // connection gauge twice, with a warning.
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /** Vert.x's registry when this Vert.x was built with {@link #vertxMetricsOptions()}, else a new one. */
  public static PrometheusMeterRegistry forVertx(Vertx vertx) {
    MeterRegistry shared = vertx.isMetricsEnabled() ? BackendRegistries.getNow(NAME) : null;
    return shared instanceof PrometheusMeterRegistry prometheus
        ? prometheus
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }
}
