package dev.echokit.server;

import dev.echokit.config.UdpOptions;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The UDP listener's per-source-address budgets (datagrams and bytes per second), as token buckets in a table
 * of bounded size, so that a flood from forged addresses cannot grow memory. Used on the listener's event loop only.
 */
final class SourceBudgets {

  /**
   * Addresses tracked at once. An entry costs about 150 bytes (key, bucket, map entry), so the table stays
   * below about 10 MB. Real clients are far fewer: an entry idle for {@link #REFILL_NANOS} is reclaimed, so only
   * sources active within the last second count, and a table this full means a flood of forged addresses.
   */
  static final int MAX_TRACKED_SOURCES = 65_536;
  /**
   * A bucket holds one second of budget, so a source may send a burst of one second's worth at once; after
   * this long idle its bucket is full again, exactly as a new one: forgetting it then loses nothing.
   */
  static final long REFILL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int datagramsPerSecond;
  private final long bytesPerSecond;
  /** In access order: the eldest entry is the source heard from least recently. */
  private final LinkedHashMap<String, Bucket> sources = new LinkedHashMap<>(16, 0.75f, true);
  /**
   * Shared by every source that finds the table full of active ones: together they get one source's budget, so
   * addresses beyond the table never get a budget of their own.
   */
  private final Bucket overflow;

  SourceBudgets(UdpOptions udp, long nowNanos) {
    this.datagramsPerSecond = udp.datagramsPerSecond();
    this.bytesPerSecond = udp.bytesPerSecond();
    this.overflow = new Bucket(nowNanos, datagramsPerSecond, bytesPerSecond);
  }

  /** True when neither rate is limited: nothing to track. */
  boolean unlimited() {
    return datagramsPerSecond == 0 && bytesPerSecond == 0;
  }

  /**
   * Takes one datagram of {@code bytes} from {@code source}'s budget, or returns the limit it would break (and
   * takes nothing: a dropped datagram costs no reply).
   */
  LimitReason admit(String source, int bytes, long nowNanos) {
    if (unlimited()) {
      return null;
    }
    Bucket bucket = bucketOf(source, nowNanos);
    bucket.refill(nowNanos, datagramsPerSecond, bytesPerSecond);
    if (datagramsPerSecond > 0 && bucket.datagrams < 1) {
      return LimitReason.UDP_DATAGRAMS_PER_SECOND;
    }
    if (bytesPerSecond > 0 && bucket.bytes < bytes) {
      return LimitReason.UDP_BYTES_PER_SECOND;
    }
    bucket.datagrams -= 1;
    bucket.bytes -= bytes;
    return null;
  }

  /** Addresses with a budget of their own right now. */
  int tracked() {
    return sources.size();
  }

  private Bucket bucketOf(String source, long nowNanos) {
    Bucket bucket = sources.get(source);
    if (bucket != null) {
      return bucket;
    }
    if (sources.size() >= MAX_TRACKED_SOURCES) {
      Iterator<Map.Entry<String, Bucket>> eldest = sources.entrySet().iterator();
      if (nowNanos - eldest.next().getValue().lastNanos < REFILL_NANOS) {
        // Even the least recently heard source is still refilling: every entry is active.
        return overflow;
      }
      eldest.remove();
    }
    // A new source starts with a full bucket: one second's budget at once.
    bucket = new Bucket(nowNanos, datagramsPerSecond, bytesPerSecond);
    sources.put(source, bucket);
    return bucket;
  }

  /** What one source may still send now; fractional, so that slow rates refill smoothly. */
  private static final class Bucket {

    double datagrams;
    double bytes;
    long lastNanos;

    Bucket(long nowNanos, double datagrams, double bytes) {
      this.lastNanos = nowNanos;
      this.datagrams = datagrams;
      this.bytes = bytes;
    }

    void refill(long nowNanos, int datagramsPerSecond, long bytesPerSecond) {
      double seconds = Math.max(0, nowNanos - lastNanos) / 1e9;
      datagrams = Math.min(datagramsPerSecond, datagrams + seconds * datagramsPerSecond);
      bytes = Math.min(bytesPerSecond, bytes + seconds * bytesPerSecond);
      lastNanos = nowNanos;
    }
  }
}
