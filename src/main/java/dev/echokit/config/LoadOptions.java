package dev.echokit.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

import static dev.echokit.config.ServerOptions.checkRange;
import static dev.echokit.config.ServerOptions.checkText;

/**
 * Typed, validated settings of the load generator. It shares {@code host} and {@code port} with the server so
 * that one config file describes both ends; its own keys live under {@code bench.}.
 *
 * @param host                 server to connect to
 * @param port                 server port
 * @param connections          TCP connections kept open for the whole run
 * @param sizeMin              smallest message, in bytes
 * @param sizeMax              largest message, in bytes; each message's size is uniform in [sizeMin, sizeMax]
 * @param depth                messages in flight per connection (1 = request/response, more = pipelining)
 * @param durationSeconds      measured run time after the warm-up; 0 = no time limit (needs messages)
 * @param messages             measured messages to send in all, after the warm-up; 0 = run for the duration
 * @param warmupSeconds        load applied before measuring starts, to let JIT, caches and TCP windows settle
 * @param rate                 0 = closed loop (send as soon as an echo returns); above 0 = open loop at this
 *                             many messages per second in all, latency counted from each intended send time
 * @param instances            event loops the connections are spread over
 * @param timeoutMillis        a connection with messages in flight that receives nothing this long has failed
 * @param connectTimeoutMillis longest wait for one TCP connection
 * @param peer                 how to reach the server: TCP, TLS, UDP or WebSocket ({@code bench.protocol} …)
 */
public record LoadOptions(String host, int port, int connections, int sizeMin, int sizeMax, int depth,
                          long durationSeconds, long messages, long warmupSeconds, long rate, int instances,
                          long timeoutMillis, int connectTimeoutMillis, PeerOptions peer) {

  public static final String CONNECTIONS = "bench.connections";
  public static final String SIZE_MIN = "bench.sizeMin";
  public static final String SIZE_MAX = "bench.sizeMax";
  public static final String DEPTH = "bench.depth";
  public static final String DURATION = "bench.duration";
  public static final String MESSAGES = "bench.messages";
  public static final String WARMUP = "bench.warmup";
  public static final String RATE = "bench.rate";
  public static final String INSTANCES = "bench.instances";
  public static final String TIMEOUT = "bench.timeout";
  public static final String CONNECT_TIMEOUT = "bench.connectTimeout";
  public static final Set<String> KEYS = Settings.union(Set.of(ServerOptions.HOST, ServerOptions.PORT, CONNECTIONS, SIZE_MIN,
      SIZE_MAX, DEPTH, DURATION, MESSAGES, WARMUP, RATE, INSTANCES, TIMEOUT, CONNECT_TIMEOUT),
      PeerOptions.keys("bench."));

  /** Enough concurrent connections to keep a multi-core server busy, as tcpkali and vmbench runs use. */
  public static final int DEFAULT_CONNECTIONS = 50;
  /** One client address reaches one server port through at most this many local ports. */
  public static final int MAX_CONNECTIONS = 65_535;
  /** A typical small request; vmbench's default message size. */
  public static final int DEFAULT_SIZE = 1024;
  /** An empty message is never echoed, so it could never be verified or timed. */
  public static final int MIN_SIZE = 1;
  /** Every message is a slice of one shared random block of about this size: bounds that block's memory. */
  public static final int MAX_SIZE = 16 << 20;
  /** Request/response: the latency of one round trip, nothing queued behind it. */
  public static final int DEFAULT_DEPTH = 1;
  /** In-flight bookkeeping is allocated up front per connection; deeper pipelines only fill socket buffers. */
  public static final int MAX_DEPTH = 4096;
  /** Long enough for stable percentiles, short enough to repeat. */
  public static final long DEFAULT_DURATION_SECONDS = 10;
  /** A day: longer runs belong to a soak-test harness, not one process. */
  public static final long MAX_DURATION_SECONDS = 86_400;
  /** Far beyond a day at any rate, and far from overflowing byte counts. */
  public static final long MAX_MESSAGES = 1_000_000_000_000L;
  /** Enough for the JIT to compile the hot paths before measuring. */
  public static final long DEFAULT_WARMUP_SECONDS = 1;
  public static final long MAX_WARMUP_SECONDS = 3_600;
  /** One message per nanosecond is the finest pacing the nanosecond clock can express. */
  public static final long MAX_RATE = 1_000_000_000;
  /** One event loop per core, like the server. */
  public static final int DEFAULT_INSTANCES = Runtime.getRuntime().availableProcessors();
  /** More event loops than this only add context switches. */
  public static final int MAX_INSTANCES = 256;
  /** Far above any loopback or LAN round trip: only a stuck server hits it. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
  public static final long MAX_TIMEOUT_MILLIS = 3_600_000;
  public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 5_000;
  public static final int MAX_CONNECT_TIMEOUT_MILLIS = 600_000;

  public LoadOptions {
    if (peer == null) {
      throw new ConfigException("invalid peer: expected PeerOptions, e.g. PeerOptions.TCP");
    }
    checkText(ServerOptions.HOST, host);
    checkRange(ServerOptions.PORT, port, 1, 65535);
    checkRange(CONNECTIONS, connections, 1, MAX_CONNECTIONS);
    checkRange(SIZE_MIN, sizeMin, MIN_SIZE, MAX_SIZE);
    checkRange(SIZE_MAX, sizeMax, sizeMin, MAX_SIZE);
    checkRange(DEPTH, depth, 1, MAX_DEPTH);
    checkRange(DURATION, durationSeconds, 0, MAX_DURATION_SECONDS);
    checkRange(MESSAGES, messages, 0, MAX_MESSAGES);
    if (durationSeconds == 0 && messages == 0) {
      throw new ConfigException("invalid " + DURATION + " = 0: expected a duration from 1 to " + MAX_DURATION_SECONDS
          + " seconds when " + MESSAGES + " is 0");
    }
    checkRange(WARMUP, warmupSeconds, 0, MAX_WARMUP_SECONDS);
    checkRange(RATE, rate, 0, MAX_RATE);
    checkRange(INSTANCES, instances, 1, MAX_INSTANCES);
    checkRange(TIMEOUT, timeoutMillis, 1, MAX_TIMEOUT_MILLIS);
    checkRange(CONNECT_TIMEOUT, connectTimeoutMillis, 1, MAX_CONNECT_TIMEOUT_MILLIS);
    if (peer.transport() == PeerOptions.Transport.UDP && sizeMax > UdpOptions.MAX_MAX_DATAGRAM_SIZE) {
      // Each message is one datagram, which cannot be larger than this.
      boolean min = sizeMin > UdpOptions.MAX_MAX_DATAGRAM_SIZE;
      throw new ConfigException("invalid " + (min ? SIZE_MIN : SIZE_MAX) + " = " + (min ? sizeMin : sizeMax)
          + " with protocol udp: expected at most " + UdpOptions.MAX_MAX_DATAGRAM_SIZE
          + ", the largest UDP datagram over IPv4");
    }
  }

  public static LoadOptions defaults() {
    return from(new Settings());
  }

  /** Options from JSON such as {@code {"port": 7, "bench": {"connections": 10, "messages": 1000}}}. */
  public static LoadOptions fromJson(JsonObject json) {
    return from(Settings.of(json));
  }

  public static LoadOptions from(Settings s) {
    int sizeMin = s.integer(SIZE_MIN, DEFAULT_SIZE, MIN_SIZE, MAX_SIZE);
    long messages = s.number(MESSAGES, 0, 0, MAX_MESSAGES);
    return new LoadOptions(
        s.string(ServerOptions.HOST, ServerOptions.DEFAULT_HOST),
        s.integer(ServerOptions.PORT, ServerOptions.DEFAULT_PORT, 1, 65535),
        s.integer(CONNECTIONS, DEFAULT_CONNECTIONS, 1, MAX_CONNECTIONS),
        sizeMin,
        // A lone sizeMin means fixed-size messages of that size.
        s.integer(SIZE_MAX, sizeMin, MIN_SIZE, MAX_SIZE),
        s.integer(DEPTH, DEFAULT_DEPTH, 1, MAX_DEPTH),
        // A message count alone runs until it is reached; the default duration applies only without one.
        s.number(DURATION, messages > 0 ? 0 : DEFAULT_DURATION_SECONDS, 0, MAX_DURATION_SECONDS),
        messages,
        s.number(WARMUP, DEFAULT_WARMUP_SECONDS, 0, MAX_WARMUP_SECONDS),
        s.number(RATE, 0, 0, MAX_RATE),
        s.integer(INSTANCES, DEFAULT_INSTANCES, 1, MAX_INSTANCES),
        s.number(TIMEOUT, DEFAULT_TIMEOUT_MILLIS, 1, MAX_TIMEOUT_MILLIS),
        s.integer(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT_MILLIS, 1, MAX_CONNECT_TIMEOUT_MILLIS),
        PeerOptions.from(s, "bench."));
  }

  /** True when messages are paced at {@link #rate()} rather than sent as soon as echoes return. */
  public boolean openLoop() {
    return rate > 0;
  }

  public LoadOptions withHost(String newHost) {
    return new LoadOptions(newHost, port, connections, sizeMin, sizeMax, depth, durationSeconds, messages,
        warmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withPort(int newPort) {
    return new LoadOptions(host, newPort, connections, sizeMin, sizeMax, depth, durationSeconds, messages,
        warmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withConnections(int newConnections) {
    return new LoadOptions(host, port, newConnections, sizeMin, sizeMax, depth, durationSeconds, messages,
        warmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withSize(int newSizeMin, int newSizeMax) {
    return new LoadOptions(host, port, connections, newSizeMin, newSizeMax, depth, durationSeconds, messages,
        warmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withDepth(int newDepth) {
    return new LoadOptions(host, port, connections, sizeMin, sizeMax, newDepth, durationSeconds, messages,
        warmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  /** Runs for this many measured seconds, with no message limit. */
  public LoadOptions withDurationSeconds(long newDurationSeconds) {
    return new LoadOptions(host, port, connections, sizeMin, sizeMax, depth, newDurationSeconds, 0,
        warmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  /** Stops after this many measured messages, with no time limit. */
  public LoadOptions withMessages(long newMessages) {
    return new LoadOptions(host, port, connections, sizeMin, sizeMax, depth, 0, newMessages,
        warmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withWarmupSeconds(long newWarmupSeconds) {
    return new LoadOptions(host, port, connections, sizeMin, sizeMax, depth, durationSeconds, messages,
        newWarmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withRate(long newRate) {
    return new LoadOptions(host, port, connections, sizeMin, sizeMax, depth, durationSeconds, messages,
        warmupSeconds, newRate, instances, timeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withInstances(int newInstances) {
    return new LoadOptions(host, port, connections, sizeMin, sizeMax, depth, durationSeconds, messages,
        warmupSeconds, rate, newInstances, timeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withTimeoutMillis(long newTimeoutMillis) {
    return new LoadOptions(host, port, connections, sizeMin, sizeMax, depth, durationSeconds, messages,
        warmupSeconds, rate, instances, newTimeoutMillis, connectTimeoutMillis, peer);
  }

  public LoadOptions withPeer(PeerOptions newPeer) {
    return new LoadOptions(host, port, connections, sizeMin, sizeMax, depth, durationSeconds, messages,
        warmupSeconds, rate, instances, timeoutMillis, connectTimeoutMillis, newPeer);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put(ServerOptions.HOST, host)
        .put(ServerOptions.PORT, port)
        .put("bench", new JsonObject()
            .put("connections", connections)
            .put("sizeMin", sizeMin)
            .put("sizeMax", sizeMax)
            .put("depth", depth)
            .put("duration", durationSeconds)
            .put("messages", messages)
            .put("warmup", warmupSeconds)
            .put("rate", rate)
            .put("instances", instances)
            .put("timeout", timeoutMillis)
            .put("connectTimeout", connectTimeoutMillis)
            .mergeIn(peer.addTo(new JsonObject())));
  }
}
