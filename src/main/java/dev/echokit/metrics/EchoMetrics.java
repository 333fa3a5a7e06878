package dev.echokit.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.function.BooleanSupplier;

/** The meters of one echo server: one {@link ListenerMeters} per listener, and whether the server is ready. */
public final class EchoMetrics {

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private Meter ready;

  private EchoMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
  }

  /** Meters into the registry {@code /metrics} serves (see {@link PrometheusRegistry#forVertx}). */
  public static EchoMetrics forVertx(Vertx vertx) {
    PrometheusMeterRegistry prometheus = PrometheusRegistry.forVertx(vertx);
    return new EchoMetrics(prometheus, prometheus);
  }

  /** Meters that record nothing: an empty composite registry hands out no-op meters. */
  public static EchoMetrics off() {
    return new EchoMetrics(new CompositeMeterRegistry(), null);
  }

  /** The registry to scrape, or null when metrics are off. */
  public PrometheusMeterRegistry prometheus() {
    return prometheus;
  }

  /**
   * Meters tagged {@code listener}, {@code mode} and {@code protocol}; {@code reasons} are the limits it enforces.
   * A {@code datagrams} listener counts drops in {@code echokit_datagrams_dropped_total} and has no connections.
   */
  public ListenerMeters listener(int index, String echoMode, String protocol, Collection<String> reasons,
                                 boolean datagrams) {
    Tags tags = Tags.of("listener", String.valueOf(index), "mode", echoMode, "protocol", protocol);
    return datagrams ? ListenerMeters.datagrams(registry, tags, reasons)
        : ListenerMeters.connections(registry, tags, reasons);
  }

  /** {@code echokit_ready}: 1 while every listener is bound and the server is not draining, else 0. */
  public void readiness(BooleanSupplier isReady) {
    ready = Gauge.builder("echokit.ready", isReady, r -> r.getAsBoolean() ? 1 : 0)
        .description("1 while the server takes new connections, 0 while starting or draining")
        // Gauges hold their object weakly; nothing else holds this supplier.
        .strongReference(true).register(registry);
  }

  /** Removes the server-level meters; listeners remove their own. */
  public void close() {
    if (ready != null) {
      registry.remove(ready);
    }
  }
}
