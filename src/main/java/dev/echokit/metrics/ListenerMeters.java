package dev.echokit.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live meters of one listener, resolved once when it starts so that counting an echo costs two adder
 * increments and no look-up. They move while connections are open, unlike Vert.x's byte counters, which
 * move when a connection closes and never see the direct echo's bytes.
 */
public final class ListenerMeters {

  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter bytesEchoed;
  private final Counter chunksEchoed;
  private final Counter opened;
  private final AtomicInteger active = new AtomicInteger();
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  ListenerMeters(MeterRegistry registry, Tags tags, Collection<String> reasons) {
    this.registry = registry;
    this.tags = tags;
    bytesEchoed = keep(Counter.builder("echokit.bytes.echoed")
        .description("Bytes received from clients and written back to them").tags(tags).register(registry));
    chunksEchoed = keep(Counter.builder("echokit.chunks.echoed")
        .description("Reads echoed: each is written back whole").tags(tags).register(registry));
    opened = keep(Counter.builder("echokit.connections.opened")
        .description("Connections accepted and served").tags(tags).register(registry));
    keep(Gauge.builder("echokit.connections.active", active, AtomicInteger::get)
        .description("Connections open now").tags(tags).register(registry));
    // Registered up front, so that every reason is a series at 0 before its first rejection: no gaps in rates.
    reasons.forEach(this::rejectedCounter);
  }

  /** Counts one read of {@code bytes} bytes, about to be echoed. */
  public void echoed(int bytes) {
    bytesEchoed.increment(bytes);
    chunksEchoed.increment();
  }

  public void opened() {
    opened.increment();
    active.incrementAndGet();
  }

  public void closed() {
    active.decrementAndGet();
  }

  /** Counts one connection closed by a limit; {@code reason} names the limit. */
  public void rejected(String reason) {
    rejectedCounter(reason).increment();
  }

  private Counter rejectedCounter(String reason) {
    return rejected.computeIfAbsent(reason, r -> keep(Counter.builder("echokit.connections.rejected")
        .description("Connections closed by a limit, by reason").tags(tags).tag("reason", r).register(registry)));
  }

  /** Removes this listener's meters, so that a listener deployed later starts its own from zero. */
  public void close() {
    meters.forEach(registry::remove);
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }
}
