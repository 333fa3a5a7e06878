package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;

import java.util.concurrent.TimeUnit;

/**
 * When a run starts, when measuring starts (after the warm-up) and when it ends, in {@link System#nanoTime()}
 * terms, shared by every event loop so that all connections start and stop together.
 *
 * @param startNanos        sending starts
 * @param measureStartNanos messages sent from here on are counted and timed
 * @param measureEndNanos   no message is sent from here on; {@link Long#MAX_VALUE} without a duration
 */
record RunPlan(long startNanos, long measureStartNanos, long measureEndNanos) {

  static RunPlan startingNow(LoadOptions options) {
    long start = System.nanoTime();
    long measureStart = start + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
    long measureEnd = options.durationSeconds() == 0
        ? Long.MAX_VALUE
        : measureStart + TimeUnit.SECONDS.toNanos(options.durationSeconds());
    return new RunPlan(start, measureStart, measureEnd);
  }

  boolean warmingUp(long now) {
    return now < measureStartNanos;
  }
}
