package dev.echokit.loadgen;

import org.HdrHistogram.Histogram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's counters and histograms. Only that event loop writes them, so the hot path takes no lock; the
 * once-a-second progress reader sees the running totals through opaque reads, and the final merge happens after
 * the event loop has finished.
 */
final class WorkerStats {

  /** An hour: open-loop latencies grow without bound when the server falls behind; longer ones are clamped. */
  static final long HIGHEST_LATENCY_NANOS = TimeUnit.HOURS.toNanos(1);
  /** The longest connect timeout allowed, in microseconds. */
  static final long HIGHEST_CONNECT_MICROS = TimeUnit.MINUTES.toMicros(10);
  /** Three significant digits: 0.1 % resolution, as wrk2 records. */
  static final int SIGNIFICANT_DIGITS = 3;
  /** Error messages kept for the report: the first few say what happened, the counts say how often. */
  static final int MAX_ERROR_SAMPLES = 5;

  private static final VarHandle ECHOES;
  private static final VarHandle ECHOED_BYTES;
  private static final VarHandle OPEN;
  private static final VarHandle ERRORS = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      ECHOES = lookup.findVarHandle(WorkerStats.class, "echoes", long.class);
      ECHOED_BYTES = lookup.findVarHandle(WorkerStats.class, "echoedBytes", long.class);
      OPEN = lookup.findVarHandle(WorkerStats.class, "open", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Histogram latencyNanos = new Histogram(HIGHEST_LATENCY_NANOS, SIGNIFICANT_DIGITS);
  final Histogram connectMicros = new Histogram(HIGHEST_CONNECT_MICROS, SIGNIFICANT_DIGITS);
  long measuredMessages;
  long measuredBytes;
  /** When the last measured echo completed, in {@link System#nanoTime()} terms; meaningless before the first. */
  long lastMeasuredNanos;
  int connected;
  private final List<String> errorSamples = new ArrayList<>();
  private final long[] errors = new long[ErrorKind.values().length];
  // Running totals for the progress line, warm-up included.
  private long echoes;
  private long echoedBytes;
  private int open;

  void connected(long connectNanos) {
    connectMicros.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(connectNanos), HIGHEST_CONNECT_MICROS));
    connected++;
    OPEN.setOpaque(this, open + 1);
  }

  void closed() {
    OPEN.setOpaque(this, open - 1);
  }

  /** An echo came back whole: counted for the progress line, warm-up included. */
  void echoed(int bytes) {
    ECHOES.setOpaque(this, echoes + 1);
    ECHOED_BYTES.setOpaque(this, echoedBytes + bytes);
  }

  /** An echo of a message sent after the warm-up came back whole, {@code nanos} after it was (meant to be) sent. */
  void measured(int bytes, long nanos, long now) {
    latencyNanos.recordValue(Math.min(Math.max(nanos, 0), HIGHEST_LATENCY_NANOS));
    measuredMessages++;
    measuredBytes += bytes;
    lastMeasuredNanos = now;
  }

  void error(ErrorKind kind, String detail) {
    ERRORS.setOpaque(errors, kind.ordinal(), errors[kind.ordinal()] + 1);
    if (errorSamples.size() < MAX_ERROR_SAMPLES) {
      errorSamples.add(detail);
    }
  }

  long echoes() {
    return (long) ECHOES.getOpaque(this);
  }

  long echoedBytes() {
    return (long) ECHOED_BYTES.getOpaque(this);
  }

  int open() {
    return (int) OPEN.getOpaque(this);
  }

  long errors(ErrorKind kind) {
    return (long) ERRORS.getOpaque(errors, kind.ordinal());
  }

  long totalErrors() {
    long total = 0;
    for (ErrorKind kind : ErrorKind.values()) {
      total += errors(kind);
    }
    return total;
  }

  List<String> errorSamples() {
    return Collections.unmodifiableList(errorSamples);
  }
}
