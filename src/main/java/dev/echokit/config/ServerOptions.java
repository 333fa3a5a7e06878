package dev.echokit.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Typed, validated settings of the echo server.
 *
 * @param host              address to bind; loopback by default so a fresh install is not reachable from the network
 * @param port              TCP port; 0 picks any free port (shared by all instances)
 * @param instances         listener verticles, one per event loop, all accepting on the same port
 * @param listeners         the listeners as configured (empty: one TCP listener on host, port and instances);
 *                          {@link #effectiveListeners()} fills in what their entries left out
 * @param logLevel          level of EchoKit's own loggers when the fat jar's logback is the backend
 * @param writeQueueMaxSize bytes a connection may hold in the server's write queue before its reads pause
 * @param echoMode          how bytes travel from a socket's reads back to its writes
 * @param shutdownTimeoutMillis how long a stopping server lets open connections finish their echoes
 * @param limits            connection limits: counts, idle time, bytes and duration per connection
 * @param metrics           the admin HTTP server: Prometheus metrics and health checks
 */
public record ServerOptions(String host, int port, int instances, List<ListenerOptions> listeners, String logLevel, int writeQueueMaxSize,
                            EchoMode echoMode, long shutdownTimeoutMillis, LimitOptions limits,
                            MetricsOptions metrics) {

  /** How the server moves bytes from a connection's reads back to its writes. */
  public enum EchoMode {
    /** Netty's pooled read buffers are written back as they are: no copy, the fast path (default). */
    DIRECT,
    /** Vert.x's public NetSocket API: each read is copied into a heap Buffer, then written. Portable. */
    PIPE;

    static final List<String> NAMES = List.of("direct", "pipe");
  }

  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String INSTANCES = "instances";
  public static final String LOG_LEVEL = "logLevel";
  public static final String WRITE_QUEUE_MAX_SIZE = "writeQueueMaxSize";
  public static final String ECHO_MODE = "echo.mode";
  public static final String SHUTDOWN_TIMEOUT = "shutdownTimeout";
  public static final Set<String> KEYS = Settings.union(Set.of(HOST, PORT, INSTANCES, ListenerOptions.KEY, LOG_LEVEL, WRITE_QUEUE_MAX_SIZE,
      ECHO_MODE, SHUTDOWN_TIMEOUT), LimitOptions.KEYS, MetricsOptions.KEYS);

  /** The tutorial's address: {@code localhost:12345}. */
  public static final String DEFAULT_HOST = "localhost";
  public static final int DEFAULT_PORT = 12345;
  /** One listener per core: each event loop then accepts and serves its own share of connections. */
  public static final int DEFAULT_INSTANCES = Runtime.getRuntime().availableProcessors();
  /** More listeners than this only add contention on the shared accept socket. */
  public static final int MAX_INSTANCES = 256;
  public static final String DEFAULT_LOG_LEVEL = "info";
  public static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");
  /** Netty's default high-water mark: the most a client that sends but never reads can park in the server. */
  public static final int DEFAULT_WRITE_QUEUE_MAX_SIZE = 64 * 1024;
  /** Smaller than one TCP segment would pause the socket on every read. */
  public static final int MIN_WRITE_QUEUE_MAX_SIZE = 1024;
  /** Bounds the memory a single slow client can hold. */
  public static final int MAX_WRITE_QUEUE_MAX_SIZE = 64 * 1024 * 1024;

  public static final EchoMode DEFAULT_ECHO_MODE = EchoMode.DIRECT;
  /** Long enough for request/response clients to get their last echo, short of a typical 30 s kill grace period. */
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 10_000;
  /** The launcher's shutdown hook waits at most two minutes for Vert.x to close: stay well inside it. */
  public static final long MAX_SHUTDOWN_TIMEOUT_MILLIS = 60_000;

  public ServerOptions {
    if (echoMode == null) {
      throw new ConfigException("invalid " + ECHO_MODE + ": expected one of " + String.join(", ", EchoMode.NAMES));
    }
    checkText(HOST, host);
    checkRange(PORT, port, 0, 65535);
    checkRange(INSTANCES, instances, 1, MAX_INSTANCES);
    checkRange(WRITE_QUEUE_MAX_SIZE, writeQueueMaxSize, MIN_WRITE_QUEUE_MAX_SIZE, MAX_WRITE_QUEUE_MAX_SIZE);
    checkRange(SHUTDOWN_TIMEOUT, shutdownTimeoutMillis, 0, MAX_SHUTDOWN_TIMEOUT_MILLIS);
    if (limits == null) {
      throw new ConfigException("invalid limits: expected LimitOptions, e.g. LimitOptions.defaults()");
    }
    if (metrics == null) {
      throw new ConfigException("invalid metrics: expected MetricsOptions, e.g. MetricsOptions.OFF");
    }
    listeners = listeners == null ? List.of() : List.copyOf(listeners);
    checkPortsDistinct(effectiveListeners(host, port, instances, listeners));
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new ConfigException("invalid " + LOG_LEVEL + " = \"" + logLevel + "\": expected one of " + String.join(", ", LOG_LEVELS));
    }
  }

  public static ServerOptions defaults() {
    return from(new Settings());
  }

  /** Options from JSON such as {@code {"port": 0, "instances": 2}}; missing keys take their defaults. */
  public static ServerOptions fromJson(JsonObject json) {
    return from(Settings.of(json));
  }

  public static ServerOptions from(Settings s) {
    return new ServerOptions(
        s.string(HOST, DEFAULT_HOST),
        s.integer(PORT, DEFAULT_PORT, 0, 65535),
        s.integer(INSTANCES, DEFAULT_INSTANCES, 1, MAX_INSTANCES),
        listenersFrom(s),
        s.choice(LOG_LEVEL, DEFAULT_LOG_LEVEL, LOG_LEVELS),
        s.integer(WRITE_QUEUE_MAX_SIZE, DEFAULT_WRITE_QUEUE_MAX_SIZE, MIN_WRITE_QUEUE_MAX_SIZE, MAX_WRITE_QUEUE_MAX_SIZE),
        EchoMode.valueOf(s.choice(ECHO_MODE, DEFAULT_ECHO_MODE.name().toLowerCase(), EchoMode.NAMES).toUpperCase()),
        s.number(SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, 0, MAX_SHUTDOWN_TIMEOUT_MILLIS),
        LimitOptions.from(s),
        MetricsOptions.from(s));
  }

  /** The listeners to start, with the top-level host, port and instances filled in where an entry left them out. */
  public List<ListenerOptions> effectiveListeners() {
    return effectiveListeners(host, port, instances, listeners);
  }

  private static List<ListenerOptions> effectiveListeners(String host, int port, int instances,
                                                          List<ListenerOptions> listeners) {
    if (listeners.isEmpty()) {
      return List.of(ListenerOptions.tcp(host, port, instances));
    }
    return listeners.stream().map(l -> l.resolve(host, port, instances)).toList();
  }

  private static List<ListenerOptions> listenersFrom(Settings s) {
    List<Settings> entries = s.objects(ListenerOptions.KEY);
    if (s.has(ListenerOptions.KEY) && entries.isEmpty()) {
      throw s.invalid(ListenerOptions.KEY, "[]", "at least one listener, e.g. [{\"protocol\": \"tcp\"}]");
    }
    List<ListenerOptions> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      out.add(ListenerOptions.from(entries.get(i), ListenerOptions.KEY + "[" + i + "]."));
    }
    return out;
  }

  /** Two stream listeners (or two UDP listeners) cannot bind the same host and port; port 0 never clashes. */
  private static void checkPortsDistinct(List<ListenerOptions> effective) {
    for (int i = 0; i < effective.size(); i++) {
      for (int j = 0; j < i; j++) {
        ListenerOptions a = effective.get(j);
        ListenerOptions b = effective.get(i);
        if (a.port() != 0 && a.port() == b.port() && a.host().equals(b.host())
            && a.protocol().stream() == b.protocol().stream()) {
          throw new ConfigException("invalid " + ListenerOptions.KEY + "[" + i + "]." + PORT + " = " + b.port()
              + ": listeners[" + j + "] (" + a.scheme() + ") already uses " + a.host() + ":" + a.port()
              + " — give each listener its own port");
        }
      }
    }
  }

  public JsonObject toJson() {
    JsonObject json = metrics.addTo(limits.addTo(new JsonObject()));
    if (!listeners.isEmpty()) {
      json.put(ListenerOptions.KEY, new JsonArray(listeners.stream().map(ListenerOptions::toJson).toList()));
    }
    return json
        .put(HOST, host)
        .put(PORT, port)
        .put(INSTANCES, instances)
        .put(LOG_LEVEL, logLevel)
        .put(WRITE_QUEUE_MAX_SIZE, writeQueueMaxSize)
        .put("echo", new JsonObject().put("mode", echoMode.name().toLowerCase()))
        .put(SHUTDOWN_TIMEOUT, shutdownTimeoutMillis);
  }

  public ServerOptions withPort(int newPort) {
    return new ServerOptions(host, newPort, instances, listeners, logLevel, writeQueueMaxSize, echoMode,
        shutdownTimeoutMillis, limits, metrics);
  }

  public ServerOptions withListeners(List<ListenerOptions> newListeners) {
    return new ServerOptions(host, port, instances, newListeners, logLevel, writeQueueMaxSize, echoMode,
        shutdownTimeoutMillis, limits, metrics);
  }

  public ServerOptions withInstances(int newInstances) {
    return new ServerOptions(host, port, newInstances, listeners, logLevel, writeQueueMaxSize, echoMode,
        shutdownTimeoutMillis, limits, metrics);
  }

  public ServerOptions withWriteQueueMaxSize(int newSize) {
    return new ServerOptions(host, port, instances, listeners, logLevel, newSize, echoMode, shutdownTimeoutMillis, limits, metrics);
  }

  public ServerOptions withEchoMode(EchoMode newMode) {
    return new ServerOptions(host, port, instances, listeners, logLevel, writeQueueMaxSize, newMode,
        shutdownTimeoutMillis, limits, metrics);
  }

  public ServerOptions withShutdownTimeout(long millis) {
    return new ServerOptions(host, port, instances, listeners, logLevel, writeQueueMaxSize, echoMode, millis, limits, metrics);
  }

  public ServerOptions withLimits(LimitOptions newLimits) {
    return new ServerOptions(host, port, instances, listeners, logLevel, writeQueueMaxSize, echoMode, shutdownTimeoutMillis,
        newLimits, metrics);
  }

  public ServerOptions withLogLevel(String newLevel) {
    return new ServerOptions(host, port, instances, listeners, newLevel, writeQueueMaxSize, echoMode, shutdownTimeoutMillis,
        limits, metrics);
  }

  public ServerOptions withMetrics(MetricsOptions newMetrics) {
    return new ServerOptions(host, port, instances, listeners, logLevel, writeQueueMaxSize, echoMode, shutdownTimeoutMillis,
        limits, newMetrics);
  }

  static void checkText(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException("invalid " + key + ": expected a non-empty string");
    }
  }

  static void checkRange(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException("invalid " + key + " = " + value + ": expected a whole number from " + min + " to " + max);
    }
  }
}
