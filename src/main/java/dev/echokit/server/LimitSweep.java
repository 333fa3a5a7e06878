package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.List;

/** Checks a listener's open connections against the idle and duration limits, as often as the limits in force ask. */
final class LimitSweep<C> {

  /** One connection's check against the limits in force now. */
  interface Check<C> {
    void check(C connection, long nowNanos, LimitOptions limits);
  }

  /** With both limits off there is nothing to check, but a config reload may turn one on: look again this often. */
  static final long IDLE_RECHECK_MILLIS = 1000;

  private final Vertx vertx;
  private final ConnectionLimits limits;
  private final Collection<C> open;
  private final Check<C> check;
  private long timer = -1;

  /** {@code open} is the listener's set of open connections, read on its event loop, where the sweep runs. */
  LimitSweep(Vertx vertx, ConnectionLimits limits, Collection<C> open, Check<C> check) {
    this.vertx = vertx;
    this.limits = limits;
    this.open = open;
    this.check = check;
  }

  /** Checks every open connection, then schedules the next check for the limits in force then. */
  void start() {
    LimitOptions current = limits.current();
    long period = periodMillis(current);
    timer = vertx.setTimer(period > 0 ? period : IDLE_RECHECK_MILLIS, t -> {
      if (period > 0) {
        long now = System.nanoTime();
        // A copy: a check may close a connection, whose close handler leaves the set.
        for (C c : List.copyOf(open)) {
          check.check(c, now, current);
        }
      }
      start();
    });
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /**
   * How often the idle and duration limits are checked: a quarter of the shorter one, so a connection is
   * closed within a quarter of its limit's time after breaking it, but at least once a second; 0 when both are off.
   */
  static long periodMillis(LimitOptions limits) {
    long shortest = Long.MAX_VALUE;
    for (long limit : new long[] {limits.idleTimeoutMillis(), limits.maxConnectionDurationMillis()}) {
      if (limit > 0) {
        shortest = Math.min(shortest, limit);
      }
    }
    return shortest == Long.MAX_VALUE ? 0 : Math.max(1, Math.min(1000, shortest / 4));
  }
}
