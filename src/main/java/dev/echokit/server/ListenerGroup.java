package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the listeners of one server share: how many are bound, whether the server is draining, the
 * connection limits and the count of connections closed by them.
 */
final class ListenerGroup {

  final ConnectionLimits limits;
  final Rejections rejections = new Rejections();
  private final int size;
  private final AtomicInteger bound = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();

  ListenerGroup(int size, LimitOptions limitOptions) {
    this.size = size;
    this.limits = new ConnectionLimits(limitOptions);
  }

  void bound() {
    bound.incrementAndGet();
  }

  /** Marks the server as draining; true for the first caller only, so the drain is logged once. */
  boolean startDraining() {
    return draining.compareAndSet(false, true);
  }

  /** Ready to take connections: every listener bound and no shutdown begun. */
  boolean ready() {
    return bound.get() == size && !draining.get();
  }

  boolean draining() {
    return draining.get();
  }

  /** What {@code /health/ready} answers: UP while ready, with the counts that explain a DOWN. */
  JsonObject readiness() {
    return new JsonObject()
        .put("status", ready() ? "UP" : "DOWN")
        .put("listeners", size)
        .put("bound", bound.get())
        .put("draining", draining.get())
        .put("connections", limits.open());
  }
}
