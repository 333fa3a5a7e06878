package dev.echokit.server;

import dev.echokit.config.ConfigException;
import dev.echokit.config.ConfigLoader;
import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.ReloadOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.TlsOptions;
import dev.echokit.metrics.AdminServer;
import dev.echokit.metrics.EchoMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The echo server: reads its options, then deploys each configured listener (TCP, TLS, UDP, HTTP) as one
 * verticle per event loop, all instances of a listener accepting on the same host and port, and tells
 * where each one listens.
 */
public class EchoServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(EchoServerVerticle.class);

  /**
   * Vert.x lets listeners share one random port when they all ask for the same negative port; each
   * server takes its own negative number so two servers in one Vert.x never share by accident.
   */
  private static final AtomicInteger NEXT_RANDOM_PORT_GROUP = new AtomicInteger();

  private final ServerOptions given;
  private final List<RunningListener> running = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextMeterIndex = new AtomicInteger();
  private volatile ServerOptions options;
  private volatile ListenerGroup group;
  private volatile EchoMetrics metrics;
  private volatile HttpServer admin;
  private ConfigWatcher watcher;

  /** Reads the layered configuration (file, environment, system properties, deployment config). */
  public EchoServerVerticle() {
    this(null);
  }

  /** Uses exactly these options: what an application or a test that embeds the server wants. */
  public EchoServerVerticle(ServerOptions options) {
    this.given = options;
  }

  @Override
  public Future<?> start() {
    if (context.getInstanceCount() > 1) {
      return Future.failedFuture(new ConfigException("deploy EchoServerVerticle once and set its \""
          + ServerOptions.INSTANCES + "\" option instead of deploying " + context.getInstanceCount() + " copies"));
    }
    if (given != null) {
      return listen(given);
    }
    return ConfigLoader.load(vertx, config()).compose(settings -> {
      ReloadOptions reload = ReloadOptions.from(settings);
      return listen(ServerOptions.from(settings)).onSuccess(id -> watchConfig(reload));
    });
  }

  /** With {@code config.scanPeriod} set, changes to the config file are applied without a restart. */
  private void watchConfig(ReloadOptions reload) {
    String path = ConfigLoader.configFile();
    if (reload.scanPeriodMillis() == 0) {
      return;
    }
    if (path == null) {
      log.warn("{} is set but there is no config file to watch", ReloadOptions.SCAN_PERIOD);
      return;
    }
    watcher = new ConfigWatcher(vertx, path, config(), this::apply);
    watcher.start(reload.scanPeriodMillis());
    log.info("EchoKit applies changes to {} within {} ms", path, reload.scanPeriodMillis());
  }

  /**
   * Applies what can change while connections are open — logLevel and the limits (connection counts at
   * once, the per-connection limits to connections accepted from now on) — and names what needs a restart.
   */
  void apply(ServerOptions next) {
    ServerOptions running = options;
    ServerOptions live = running.withLogLevel(next.logLevel()).withLimits(next.limits());
    List<String> restart = new ArrayList<>();
    JsonObject wanted = next.toJson();
    JsonObject kept = live.toJson();
    for (String key : wanted.fieldNames()) {
      if (!wanted.getValue(key).equals(kept.getValue(key))) {
        restart.add(key);
      }
    }
    if (!live.equals(running)) {
      LogLevels.apply(live.logLevel());
      group.limits.update(live.limits());
      options = live;
      log.info("config reloaded: logLevel {}, limits {}", live.logLevel(), live.limits());
    }
    if (!restart.isEmpty()) {
      log.warn("config change of {} takes effect after a restart", String.join(", ", restart));
    }
  }

  private Future<String> listen(ServerOptions opts) {
    options = opts;
    LogLevels.apply(opts.logLevel());
    List<ListenerOptions> wanted = opts.effectiveListeners();
    ListenerGroup listenerGroup = new ListenerGroup(wanted.stream().mapToInt(ListenerOptions::instances).sum(),
        opts.limits());
    group = listenerGroup;
    EchoMetrics echoMetrics = opts.metrics().enabled() ? EchoMetrics.forVertx(vertx) : EchoMetrics.off();
    metrics = echoMetrics;
    echoMetrics.readiness(listenerGroup::ready);
    // One after the other, so that a failure names the first listener that could not start.
    Future<Void> started = Future.succeededFuture();
    for (int i = 0; i < wanted.size(); i++) {
      int index = i;
      started = started.compose(v -> deploy(opts, index, wanted.get(index), listenerGroup, echoMetrics));
    }
    return started
        .compose(v -> startAdmin(opts.metrics(), echoMetrics, listenerGroup))
        .map(v -> {
          running.forEach(this::logListening);
          return deploymentID();
        });
  }

  /** Deploys one listener's instances, all binding the same address, with TLS credentials shared by all of them. */
  private Future<Void> deploy(ServerOptions opts, int index, ListenerOptions listener, ListenerGroup listenerGroup,
                              EchoMetrics echoMetrics) {
    int bindPort = listener.port() != 0 ? listener.port() : -1 - NEXT_RANDOM_PORT_GROUP.getAndIncrement() % 65535;
    String portSetting = opts.listeners().isEmpty() ? "ECHOKIT_PORT" : ListenerOptions.KEY + "[" + index + "].port";
    ServerSSLOptions ssl;
    try {
      ssl = listener.tls() == null ? null : TlsCredentials.serverOptions(listener.tls(), listener.host());
    } catch (RuntimeException e) {
      return Future.failedFuture(new ConfigException("cannot set up TLS for " + ListenerOptions.KEY + "[" + index
          + "]: " + e.getMessage()));
    }
    String mode = switch (listener.protocol()) {
      case TCP, TLS -> opts.echoMode().name().toLowerCase();
      case UDP -> "datagram";
      case HTTP -> "message";
    };
    List<EchoListener> instances = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
          ListenerContext context = new ListenerContext(opts, listener, bindPort, listenerGroup,
              echoMetrics.listener(nextMeterIndex.getAndIncrement(), mode, listener.scheme(),
                  LimitReason.tags(listener.protocol())), ssl);
          EchoListener verticle = create(context);
          instances.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(listener.instances()))
        .recover(err -> Future.failedFuture(ListenException.describe(err, listener.scheme(), listener.host(),
            listener.port(), portSetting)))
        .map(id -> {
          running.add(new RunningListener(listener, id, instances, ssl));
          return null;
        });
  }

  private static EchoListener create(ListenerContext context) {
    return switch (context.listener().protocol()) {
      case TCP, TLS -> new TcpEchoListener(context);
      case UDP -> new UdpEchoListener(context);
      case HTTP -> new HttpEchoListener(context);
    };
  }

  private void logListening(RunningListener r) {
    ListenerOptions l = r.options();
    BoundListener bound = new BoundListener(l, r.port());
    String loops = l.instances() + " event loop" + (l.instances() == 1 ? "" : "s");
    switch (l.protocol()) {
      case TCP, TLS -> log.info("EchoKit listening on {} ({}, {} echo{})", bound.urls().get(0), loops,
          options.echoMode().name().toLowerCase(), l.tls() != null && l.tls().clientAuth() != TlsOptions.ClientAuth.NONE
              ? ", client certificates " + l.tls().clientAuth().name().toLowerCase() : "");
      case UDP -> log.info("EchoKit listening on {} ({}, datagrams up to {} bytes, per source at most {} datagrams/s "
              + "and {} bytes/s; 0 means no limit)", bound.urls().get(0), loops, l.udp().maxDatagramSize(),
          l.udp().datagramsPerSecond(), l.udp().bytesPerSecond());
      case HTTP -> {
        log.info("EchoKit listening on {} (browser page at /, POST /echo; {})", bound.urls().get(0), loops);
        log.info("EchoKit listening on {} (WebSocket echo, messages up to {} bytes)", bound.urls().get(1),
            l.http().maxMessageSize());
      }
    }
  }

  /** The admin server starts after the listeners: a busy echo port is then reported before a busy admin port. */
  private Future<Void> startAdmin(MetricsOptions m, EchoMetrics echoMetrics, ListenerGroup listenerGroup) {
    if (!m.enabled()) {
      return Future.succeededFuture();
    }
    return AdminServer.start(vertx, m, echoMetrics.prometheus(), listenerGroup::readiness)
        .recover(err -> Future.failedFuture(ListenException.describeAdmin(err, m.host(), m.port())))
        .onSuccess(server -> {
          admin = server;
          log.info("EchoKit metrics on http://{}:{}/metrics, health on /health/live and /health/ready",
              m.host(), server.actualPort());
        })
        .mapEmpty();
  }

  @Override
  public Future<?> stop() {
    if (watcher != null) {
      watcher.stop();
    }
    EchoMetrics m = metrics;
    if (m != null) {
      m.close();
    }
    long served = connectionsByEventLoop().values().stream().mapToLong(Long::longValue).sum();
    log.info("EchoKit stopped after serving {} connection{}", served, served == 1 ? "" : "s");
    return Future.succeededFuture();
  }

  /** True while every listener is bound and no shutdown has begun: the server takes new connections. */
  public boolean ready() {
    ListenerGroup g = group;
    return g != null && g.ready();
  }

  /** Connections closed by each limit so far, by the limit's config key. */
  public Map<String, Long> rejections() {
    Map<String, Long> byKey = new TreeMap<>();
    ListenerGroup g = group;
    if (g != null) {
      for (LimitReason r : LimitReason.values()) {
        byKey.put(r.key, g.rejections.count(r));
      }
    }
    return byKey;
  }

  /** Connections open right now, across all listeners. */
  public int openConnections() {
    ListenerGroup g = group;
    return g == null ? 0 : g.limits.open();
  }

  /** The port of the admin server (metrics and health), or -1 when it is off or not started. */
  public int adminPort() {
    HttpServer a = admin;
    return a == null ? -1 : a.actualPort();
  }

  /** The options in force once started. */
  public ServerOptions options() {
    return options;
  }

  /** The port the first listener accepts on (the chosen one when configured with port 0), or -1 before start. */
  public int actualPort() {
    return running.isEmpty() ? -1 : running.get(0).port();
  }

  /** The port of the first listener of {@code protocol}, or -1 when there is none. */
  public int actualPort(Protocol protocol) {
    return running.stream().filter(r -> r.options().protocol() == protocol).mapToInt(RunningListener::port)
        .findFirst().orElse(-1);
  }

  /** Every listener that is serving, in the order configured. */
  public List<BoundListener> listeners() {
    return running.stream().map(r -> new BoundListener(r.options(), r.port())).toList();
  }

  /** Connections accepted so far, by the event-loop thread that serves them. */
  public Map<String, Long> connectionsByEventLoop() {
    Map<String, Long> byThread = new TreeMap<>();
    for (RunningListener r : running) {
      for (EchoListener l : r.instances()) {
        if (l instanceof TcpEchoListener tcp) {
          tcp.acceptedByThread().forEach((thread, n) -> byThread.merge(thread, n, Long::sum));
        }
      }
    }
    return byThread;
  }

  /** One configured listener while it serves: its deployment, its verticles and its TLS settings. */
  private record RunningListener(ListenerOptions options, String deploymentId, List<EchoListener> instances,
                                 ServerSSLOptions ssl) {

    int port() {
      return instances.isEmpty() ? -1 : instances.get(0).actualPort();
    }
  }
}
