package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import dev.echokit.config.PeerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one load test: throughput and latency of the measured messages (warm-up excluded), connect times
 * and errors by kind, merged from every event loop.
 *
 * @param options         what was run
 * @param durationSeconds measured time from the end of the warm-up: the duration when one was set (shorter if every
 *                        connection ended sooner), otherwise up to the last measured echo
 * @param messages        measured messages whose echo came back whole and verified
 * @param bytes           payload bytes of those messages (each travelled both ways)
 * @param latencyNanos    round-trip time of each measured message; in open loop from its intended send time
 * @param connectMicros   time to open each connection
 * @param errors          errors by kind; each ends one connection
 * @param openConnections connections that stayed healthy to the end
 * @param errorSamples    the first few error messages
 */
public record LoadReport(LoadOptions options, double durationSeconds, long messages, long bytes, Histogram latencyNanos,
                         Histogram connectMicros, Map<ErrorKind, Long> errors, int openConnections,
                         List<String> errorSamples) {

  private static final double MIB = 1024.0 * 1024.0;

  public LoadReport {
    errors = Collections.unmodifiableMap(new EnumMap<>(errors));
    errorSamples = List.copyOf(errorSamples);
  }

  /** Merges every event loop's statistics once all of them have finished, at {@code endNanos}. */
  static LoadReport merge(LoadOptions options, RunPlan plan, List<WorkerStats> workers, long endNanos) {
    Histogram latency = new Histogram(WorkerStats.HIGHEST_LATENCY_NANOS, WorkerStats.SIGNIFICANT_DIGITS);
    Histogram connect = new Histogram(WorkerStats.HIGHEST_CONNECT_MICROS, WorkerStats.SIGNIFICANT_DIGITS);
    Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
    List<String> samples = new ArrayList<>();
    long messages = 0;
    long bytes = 0;
    long lastMeasured = Long.MIN_VALUE;
    int connected = 0;
    for (WorkerStats w : workers) {
      latency.add(w.latencyNanos);
      connect.add(w.connectMicros);
      messages += w.measuredMessages;
      bytes += w.measuredBytes;
      if (w.measuredMessages > 0) {
        lastMeasured = Math.max(lastMeasured, w.lastMeasuredNanos);
      }
      connected += w.connected;
      for (ErrorKind kind : ErrorKind.values()) {
        errors.merge(kind, w.errors(kind), Long::sum);
      }
      samples.addAll(w.errorSamples());
    }
    // Without a duration the run ends with its last echo. With one, it counts the messages sent within it (their
    // echoes may come back just after) over exactly that time, unless every connection ended sooner.
    long end = plan.measureEndNanos() == Long.MAX_VALUE
        ? (messages > 0 ? lastMeasured : endNanos)
        : Math.min(endNanos, plan.measureEndNanos());
    double seconds = Math.max(0, end - plan.measureStartNanos()) / 1e9;
    long dropped = errors.get(ErrorKind.MISMATCH) + errors.get(ErrorKind.CLOSED) + errors.get(ErrorKind.IO);
    return new LoadReport(options, seconds, messages, bytes, latency, connect, errors,
        (int) Math.max(0, connected - dropped), samples.subList(0, Math.min(samples.size(), WorkerStats.MAX_ERROR_SAMPLES)));
  }

  public double msgPerSec() {
    return durationSeconds > 0 ? messages / durationSeconds : 0;
  }

  public double mibPerSec() {
    return durationSeconds > 0 ? bytes / MIB / durationSeconds : 0;
  }

  public long errors(ErrorKind kind) {
    return errors.get(kind);
  }

  public long totalErrors() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** 0 when every message came back intact and every connection opened, 1 otherwise. */
  public int exitCode() {
    return totalErrors() == 0 ? 0 : 1;
  }

  /** Latency at {@code percentile} (0–100), in microseconds. */
  public double latencyMicros(double percentile) {
    return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1000.0;
  }

  public double maxLatencyMicros() {
    return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getMaxValue() / 1000.0;
  }

  public double meanLatencyMicros() {
    return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getMean() / 1000.0;
  }

  /** host:port for plain TCP, as it always was; the scheme (and WebSocket path) in front for anything else. */
  private String target() {
    String hostPort = options.host() + ":" + options.port();
    return switch (options.peer().transport()) {
      case TCP -> options.peer().tls() ? "tls://" + hostPort : hostPort;
      case WS -> options.peer().scheme() + "://" + hostPort + options.peer().webSocketPath();
      default -> options.peer().scheme() + "://" + hostPort;
    };
  }

  public JsonObject toJson() {
    JsonObject errorCounts = new JsonObject();
    for (ErrorKind kind : kinds()) {
      errorCounts.put(kind.key, errors(kind));
    }
    errorCounts.put("total", totalErrors());
    return new JsonObject()
        .put("host", options.host())
        .put("port", options.port())
        .put("protocol", options.peer().scheme())
        .put("connections", options.connections())
        .put("sizeMin", options.sizeMin())
        .put("sizeMax", options.sizeMax())
        .put("depth", options.depth())
        .put("rate", options.rate())
        .put("warmupSeconds", options.warmupSeconds())
        .put("durationSeconds", round(durationSeconds, 3))
        .put("messages", messages)
        .put("bytes", bytes)
        .put("msgPerSec", round(msgPerSec(), 1))
        .put("mibPerSec", round(mibPerSec(), 3))
        .put("latencyMicros", new JsonObject()
            .put("p50", round(latencyMicros(50), 1))
            .put("p90", round(latencyMicros(90), 1))
            .put("p99", round(latencyMicros(99), 1))
            .put("p999", round(latencyMicros(99.9), 1))
            .put("max", round(maxLatencyMicros(), 1))
            .put("mean", round(meanLatencyMicros(), 1)))
        .put("connectMillis", new JsonObject()
            .put("p50", round(connectMillis(50), 3))
            .put("max", round(connectMicros.getTotalCount() == 0 ? 0 : connectMicros.getMaxValue() / 1000.0, 3)))
        .put("errors", errorCounts)
        .put("openConnections", openConnections)
        .put("errorSamples", new JsonArray(errorSamples));
  }

  /** The human-readable summary printed at the end of a run. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    String size = options.sizeMin() == options.sizeMax()
        ? options.sizeMin() + "-byte messages"
        : options.sizeMin() + "-" + options.sizeMax() + "-byte messages";
    String loop = options.openLoop() ? "open loop at " + options.rate() + " msg/s" : "closed loop";
    s.append(format("%d %s to %s, %s, depth %d, %s%n", options.connections(), sockets(), target(), size,
        options.depth(), loop));
    s.append(format("  measured     %.2f s after %d s of warm-up%n", durationSeconds, options.warmupSeconds()));
    s.append(format("  messages     %d  (%.1f msg/s)%n", messages, msgPerSec()));
    s.append(format("  throughput   %.2f MiB/s of echoed payload (%d bytes)%n", mibPerSec(), bytes));
    s.append(format("  latency      p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f  (microseconds%s)%n",
        latencyMicros(50), latencyMicros(90), latencyMicros(99), latencyMicros(99.9), maxLatencyMicros(),
        meanLatencyMicros(), options.openLoop() ? ", from the intended send time" : ""));
    s.append(format("  connect      p50 %.3f  max %.3f  (milliseconds)%n", connectMillis(50),
        connectMicros.getTotalCount() == 0 ? 0.0 : connectMicros.getMaxValue() / 1000.0));
    s.append(format("  %-12s %d of %d open to the end%n", sockets(), openConnections, options.connections()));
    StringBuilder kinds = new StringBuilder();
    for (ErrorKind kind : kinds()) {
      kinds.append(kinds.length() == 0 ? "" : ", ").append(kind.label).append(' ').append(errors(kind));
    }
    s.append(format("  errors       %d  (%s)%n", totalErrors(), kinds));
    if (udp() && errors(ErrorKind.LOST) > 0) {
      s.append(format("    lost: no echo within %d ms. An EchoKit server drops what one address sends beyond "
          + "udp.datagramsPerSecond and udp.bytesPerSecond (1000/s and 1 MiB/s by default): set them to 0 in its "
          + "config to benchmark it%n", options.peer().lossTimeoutMillis()));
    }
    for (String sample : errorSamples) {
      s.append("    ").append(sample).append(System.lineSeparator());
    }
    return s.toString();
  }

  /** HdrHistogram's percentile distribution of the latencies, in microseconds (the .hgrm format). */
  public void writePercentiles(PrintStream out) {
    latencyNanos.outputPercentileDistribution(out, 1000.0);
  }

  /** The error kinds this run can have: datagrams are lost over UDP only. */
  private List<ErrorKind> kinds() {
    return udp() ? List.of(ErrorKind.values())
        : java.util.Arrays.stream(ErrorKind.values()).filter(k -> k != ErrorKind.LOST).toList();
  }

  private boolean udp() {
    return options.peer().transport() == PeerOptions.Transport.UDP;
  }

  /** What the run opened: connections, or UDP sockets (over which "connect" is the socket's bind). */
  private String sockets() {
    return udp() ? "udp sockets" : "connections";
  }

  private double connectMillis(double percentile) {
    return connectMicros.getTotalCount() == 0 ? 0 : connectMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
