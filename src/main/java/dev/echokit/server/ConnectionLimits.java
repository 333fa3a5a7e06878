package dev.echokit.server;

import dev.echokit.config.LimitOptions;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Admits or refuses each new connection against the server-wide and per-address connection limits. */
final class ConnectionLimits {

  /** Swapped whole by a config reload: a check reads one consistent set of limits. */
  private volatile LimitOptions limits;
  /** Shared by every listener, whatever event loop it runs on: the limit is for the whole server. */
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> openByAddress = new ConcurrentHashMap<>();
  /** Connections admitted since start, of every protocol that has connections (tcp, tls, http). */
  private final LongAdder admitted = new LongAdder();

  ConnectionLimits(LimitOptions limits) {
    this.limits = limits;
  }

  LimitOptions current() {
    return limits;
  }

  void update(LimitOptions newLimits) {
    limits = newLimits;
  }

  /** Takes a slot for a connection from {@code address}, or returns the limit that refuses it. */
  LimitReason admit(String address) {
    LimitOptions limits = this.limits;
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      return LimitReason.MAX_CONNECTIONS;
    }
    boolean[] refused = {false};
    openByAddress.compute(address, (a, n) -> {
      int now = n == null ? 0 : n;
      if (now >= limits.maxConnectionsPerIp()) {
        refused[0] = true;
        return n;
      }
      return now + 1;
    });
    if (refused[0]) {
      open.decrementAndGet();
      return LimitReason.MAX_CONNECTIONS_PER_IP;
    }
    admitted.increment();
    return null;
  }

  /** Gives back the slot of an admitted connection that has closed. */
  void release(String address) {
    openByAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    open.decrementAndGet();
  }

  int open() {
    return open.get();
  }

  long admitted() {
    return admitted.sum();
  }
}
