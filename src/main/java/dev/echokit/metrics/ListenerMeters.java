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
  /** Null for a datagram listener, which has no connections. */
  private final Counter opened;
  private final AtomicInteger active = new AtomicInteger();
  /** What a limit counts: {@code echokit.connections.rejected}, or {@code echokit.datagrams.dropped} for datagrams. */
  private final String rejectedName;
  private final String rejectedDescription;
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  private ListenerMeters(MeterRegistry registry, Tags tags, Collection<String> reasons, boolean datagrams) {
    this.registry = registry;
    this.tags = tags;
    bytesEchoed = keep(Counter.builder("echokit.bytes.echoed")
        .description("Bytes received from clients and written back to them").tags(tags).register(registry));
    chunksEchoed = keep(Counter.builder("echokit.chunks.echoed")
        .description("Reads (datagrams, messages) echoed: each is written back whole").tags(tags).register(registry));
    if (datagrams) {
      opened = null;
      rejectedName = "echokit.datagrams.dropped";
      rejectedDescription = "Datagrams dropped by a limit, by reason";
    } else {
      opened = keep(Counter.builder("echokit.connections.opened")
          .description("Connections accepted and served").tags(tags).register(registry));
      keep(Gauge.builder("echokit.connections.active", active, AtomicInteger::get)
          .description("Connections open now").tags(tags).register(registry));
      rejectedName = "echokit.connections.rejected";
      rejectedDescription = "Connections closed by a limit, by reason";
    }
    // Registered up front, so that every reason is a series at 0 before its first rejection: no gaps in rates.
    reasons.forEach(this::rejectedCounter);
  }

  /** The meters of a listener that serves connections (tcp, tls, http). */
  static ListenerMeters connections(MeterRegistry registry, Tags tags, Collection<String> reasons) {
    return new ListenerMeters(registry, tags, reasons, false);
  }

  /** The meters of a udp listener: no connections, and a limit drops one datagram. */
  static ListenerMeters datagrams(MeterRegistry registry, Tags tags, Collection<String> reasons) {
    return new ListenerMeters(registry, tags, reasons, true);
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

  /** Counts one connection closed, or one datagram dropped, by a limit; {@code reason} names the limit. */
  public void rejected(String reason) {
    rejectedCounter(reason).increment();
  }

  private Counter rejectedCounter(String reason) {
    return rejected.computeIfAbsent(reason, r -> keep(Counter.builder(rejectedName)
        .description(rejectedDescription).tags(tags).tag("reason", r).register(registry)));
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
