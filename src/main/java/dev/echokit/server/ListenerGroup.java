package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the listeners of one server share: how many instances should be accepting and how many are, whether
 * the server is draining, the connection limits and the count of connections closed by them.
 */
final class ListenerGroup {

  final ConnectionLimits limits;
  final Rejections rejections = new Rejections();
  /** Listener instances that should be accepting: a config reload adds and removes some. Guarded by this. */
  private int size;
  /** Of those, the ones bound. Guarded by this, so that readiness never sees one count moved without the other. */
  private int bound;
  private final AtomicBoolean draining = new AtomicBoolean();

  ListenerGroup(LimitOptions limitOptions) {
    this.limits = new ConnectionLimits(limitOptions);
  }

  /**
   * {@code instances} more are about to bind: the server is not ready until they have. Announced before the
   * first of them is deployed, so that readiness is never UP between two listeners' start.
   */
  synchronized void starting(int instances) {
    size += instances;
  }

  synchronized void bound() {
    bound++;
  }

  /** An instance stopped accepting while the server runs on (a reload removed it), or failed to bind. */
  synchronized void left(boolean wasBound) {
    size--;
    if (wasBound) {
      bound--;
    }
  }

  /** Marks the server as draining; true for the first caller only, so the drain is logged once. */
  boolean startDraining() {
    return draining.compareAndSet(false, true);
  }

  /** Ready to take connections: every listener bound and no shutdown begun. */
  synchronized boolean ready() {
    return bound == size && !draining.get();
  }

  boolean draining() {
    return draining.get();
  }

  /** What {@code /health/ready} answers: UP while ready, with the counts that explain a DOWN. */
  synchronized JsonObject readiness() {
    return new JsonObject()
        .put("status", ready() ? "UP" : "DOWN")
        .put("listeners", size)
        .put("bound", bound)
        .put("draining", draining.get())
        .put("connections", limits.open());
  }
}
