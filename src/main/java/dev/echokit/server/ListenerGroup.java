package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import dev.echokit.metrics.ListenerMeters;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
  /** Deployment IDs of the instances a reload is taking away, until they are undeployed. */
  private final Set<String> leaving = ConcurrentHashMap.newKeySet();

  ListenerGroup(LimitOptions limitOptions) {
    this.limits = new ConnectionLimits(limitOptions);
  }

  /**
   * Takes a slot under the connection limits for a new connection from {@code peer}; when a limit refuses it,
   * counts and logs the refusal and returns the limit, and the caller closes the connection.
   */
  LimitReason admit(SocketAddress peer, ListenerMeters meters) {
    String address = peer.hostAddress();
    LimitReason refused = limits.admit(address);
    if (refused != null) {
      LimitOptions current = limits.current();
      rejections.record(refused, peer, refused == LimitReason.MAX_CONNECTIONS
          ? current.maxConnections() + " connections already open"
          : current.maxConnectionsPerIp() + " connections from " + address + " already open");
      meters.rejected(refused.tag);
    }
    return refused;
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

  /** An instance failed to bind: readiness no longer waits for it. */
  synchronized void notBound() {
    size--;
  }

  /**
   * A reload takes a bound instance away while the server runs on: it stops counting now, and the call its
   * {@code stop()} makes to {@link #startDraining} changes nothing.
   */
  synchronized void leaving(String deploymentId) {
    size--;
    bound--;
    leaving.add(deploymentId);
  }

  /** The instance is undeployed: its deployment ID is of no more use. */
  void gone(String deploymentId) {
    leaving.remove(deploymentId);
  }

  /**
   * Marks the server as draining; true for the first caller only, so the drain is logged once. Every listener
   * instance calls it from its {@code stop()}, on its own context; one that a reload is taking away stops while
   * the server runs on, so its call, recognised by the deployment of that context, is ignored (false).
   */
  boolean startDraining() {
    Context current = Vertx.currentContext();
    if (current != null && leaving.contains(current.deploymentID())) {
      return false;
    }
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
