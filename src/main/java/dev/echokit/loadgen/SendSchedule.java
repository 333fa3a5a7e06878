package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;

import java.util.concurrent.TimeUnit;

/**
 * Whether one connection may send its next message now, and with what intended send time: its share of the measured
 * budget, the run's end and, in open loop, its staggered pace; and whether an echo of it is measured.
 */
final class SendSchedule {

  /** {@link #next} verdicts; ints rather than an object so that the hot path allocates nothing. */
  static final int SEND = 0;
  static final int WAIT = 1;
  static final int STOP = 2;

  private RunPlan plan;
  /** Measured messages this connection may still send: its share of the requested total. */
  private long budget;
  /** Open loop: nanoseconds between sends, and when the next send is due; 0 in closed loop. */
  private long intervalNanos;
  private long nextSendNanos;
  private long sendAt;

  /** Shares out the budget and the rate for connection {@code index} of the run. */
  void start(RunPlan runPlan, LoadOptions options, int index) {
    plan = runPlan;
    long total = options.messages();
    budget = total == 0 ? Long.MAX_VALUE : total / options.connections() + (index < total % options.connections() ? 1 : 0);
    if (options.openLoop()) {
      // The total rate is spread evenly: each connection sends every connections/rate seconds, their phases
      // staggered so that the sends of all connections do not come in bursts.
      intervalNanos = Math.max(1, TimeUnit.SECONDS.toNanos(options.connections()) / options.rate());
      nextSendNanos = runPlan.startNanos() + intervalNanos * index / options.connections();
    }
  }

  /**
   * At {@code now}: {@link #SEND} (and takes the send from the budget; {@link #sendAt()} says when it was meant to
   * go), {@link #WAIT} (for {@link #waitNanos}) or {@link #STOP} (the run is over or the budget spent).
   */
  int next(long now) {
    if (now >= plan.measureEndNanos()) {
      return STOP;
    }
    long at = now;
    if (intervalNanos > 0) {
      if (nextSendNanos > now) {
        return WAIT;
      }
      // Late sends keep their intended time: the wait counts as latency (coordinated-omission correction).
      at = nextSendNanos;
      nextSendNanos += intervalNanos;
    }
    if (at >= plan.measureStartNanos()) {
      if (budget == 0) {
        return STOP;
      }
      budget--;
    }
    sendAt = at;
    return SEND;
  }

  /** The intended send time of the message {@link #next} just allowed. */
  long sendAt() {
    return sendAt;
  }

  /** After {@link #WAIT}: how long until the next send is due. */
  long waitNanos(long now) {
    return nextSendNanos - now;
  }

  /** Counts a completed echo, and times it if it was sent after the warm-up. */
  void echoed(WorkerStats stats, int length, long sentAt) {
    long now = System.nanoTime();
    stats.echoed(length);
    if (sentAt >= plan.measureStartNanos()) {
      stats.measured(length, now - sentAt, now);
    }
  }
}
