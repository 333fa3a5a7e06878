package dev.echokit.server;

import dev.echokit.config.ConfigException;
import dev.echokit.config.ConfigLoader;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.ReloadOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.metrics.AdminServer;
import dev.echokit.metrics.EchoMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The echo server: reads its options, then deploys one {@link TcpEchoListener} per event loop, all
 * accepting on the same host and port, and tells which port they bound.
 */
public class EchoServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(EchoServerVerticle.class);

  /**
   * Vert.x lets listeners share one random port when they all ask for the same negative port; each
   * server takes its own negative number so two servers in one Vert.x never share by accident.
   */
  private static final AtomicInteger NEXT_RANDOM_PORT_GROUP = new AtomicInteger();

  private final ServerOptions given;
  private final List<TcpEchoListener> listeners = new CopyOnWriteArrayList<>();
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
    int bindPort = opts.port() != 0 ? opts.port() : -1 - NEXT_RANDOM_PORT_GROUP.getAndIncrement() % 65535;
    ListenerGroup listenerGroup = new ListenerGroup(opts.instances(), opts.limits());
    group = listenerGroup;
    EchoMetrics echoMetrics = opts.metrics().enabled() ? EchoMetrics.forVertx(vertx) : EchoMetrics.off();
    metrics = echoMetrics;
    echoMetrics.readiness(listenerGroup::ready);
    String mode = opts.echoMode().name().toLowerCase();
    AtomicInteger nextIndex = new AtomicInteger();
    return vertx.deployVerticle(() -> {
          TcpEchoListener listener = new TcpEchoListener(opts, bindPort, listenerGroup,
              echoMetrics.listener(nextIndex.getAndIncrement(), mode, LimitReason.TAGS));
          listeners.add(listener);
          return listener;
        }, new DeploymentOptions().setInstances(opts.instances()))
        .recover(err -> Future.failedFuture(ListenException.describe(err, opts.host(), opts.port())))
        .compose(id -> startAdmin(opts.metrics(), echoMetrics, listenerGroup).map(id))
        .onSuccess(id -> log.info("EchoKit listening on tcp://{}:{} ({} event loop{}, {} echo)",
            opts.host(), actualPort(), opts.instances(), opts.instances() == 1 ? "" : "s",
            opts.echoMode().name().toLowerCase()));
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

  /** The port the listeners accept on (the chosen one when configured with port 0), or -1 before start. */
  public int actualPort() {
    return listeners.isEmpty() ? -1 : listeners.get(0).actualPort();
  }

  /** Connections accepted so far, by the event-loop thread that serves them. */
  public Map<String, Long> connectionsByEventLoop() {
    Map<String, Long> byThread = new TreeMap<>();
    for (TcpEchoListener l : listeners) {
      l.acceptedByThread().forEach((thread, n) -> byThread.merge(thread, n, Long::sum));
    }
    return byThread;
  }
}
