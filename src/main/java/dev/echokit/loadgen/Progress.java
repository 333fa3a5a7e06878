package dev.echokit.loadgen;

import java.util.Locale;

/**
 * One second of a running load test, for the progress line.
 *
 * @param elapsedSeconds  since sending started, warm-up included
 * @param msgPerSec       echoes completed per second over the last interval
 * @param mibPerSec       echoed payload MiB per second over the last interval
 * @param openConnections connections open now
 * @param errors          errors so far, of every kind
 * @param warmingUp       whether the interval began in the warm-up
 */
public record Progress(double elapsedSeconds, double msgPerSec, double mibPerSec, int openConnections, long errors,
                       boolean warmingUp) {

  /** For example {@code [   3s]   123456 msg/s   120.56 MiB/s     50 open      0 errors}. */
  public String line() {
    return String.format(Locale.ROOT, "[%4.0fs] %10.0f msg/s %9.2f MiB/s %6d open %6d errors%s",
        elapsedSeconds, msgPerSec, mibPerSec, openConnections, errors, warmingUp ? "  (warm-up)" : "");
  }
}
