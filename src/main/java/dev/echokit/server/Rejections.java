package dev.echokit.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts the connections the server closed (and the datagrams it dropped) by a limit, by reason, and logs each
 * reason at most once a second: a flood of rejections must not turn into a flood of log lines.
 */
final class Rejections {

  private static final Logger log = LoggerFactory.getLogger(Rejections.class);
  static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

  private final LongSupplier nanoClock;
  private final Map<LimitReason, AtomicLong> counts = new EnumMap<>(LimitReason.class);
  /** Per reason: the count already reported in a log line, and when that line was written. */
  private final Map<LimitReason, long[]> logged = new EnumMap<>(LimitReason.class);

  Rejections() {
    this(System::nanoTime);
  }

  Rejections(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    for (LimitReason r : LimitReason.values()) {
      counts.put(r, new AtomicLong());
      logged.put(r, new long[] {0, Long.MIN_VALUE});
    }
  }

  /** Counts one connection closed (or datagram dropped) for {@code reason}; {@code detail} says what happened, for the log. */
  void record(LimitReason reason, Object peer, String detail) {
    long total = counts.get(reason).incrementAndGet();
    long now = nanoClock.getAsLong();
    long[] last = logged.get(reason);
    long since;
    synchronized (last) {
      if (last[1] != Long.MIN_VALUE && now - last[1] < LOG_INTERVAL_NANOS) {
        return;
      }
      since = total - last[0] - 1;
      last[0] = total;
      last[1] = now;
    }
    log.warn("{} {}: {} ({}){}", reason.datagram() ? "dropped a datagram from" : "closed", peer, detail, reason.key,
        since == 0 ? "" : " — and " + since + " more for the same reason since the last such message");
  }

  long count(LimitReason reason) {
    return counts.get(reason).get();
  }
}
