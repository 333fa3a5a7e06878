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
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The echo server: reads its options, then deploys each configured listener (TCP, TLS, UDP, HTTP) as one
 * verticle per event loop, all instances of a listener accepting on the same host and port, tells where each
 * one listens, and with {@code config.scanPeriod} applies changes to its config file while it runs.
 */
public class EchoServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(EchoServerVerticle.class);

  /**
   * A drained listener's socket may stay bound a moment after Vert.x reports it closed (Java NIO closes a channel
   * registered with a selector at that selector's next turn): its replacement on the same address tries this
   * often, {@link #REBIND_RETRY_MILLIS} apart, before it gives up — a second in all, far more than that turn takes.
   */
  static final int REBIND_ATTEMPTS = 20;
  static final long REBIND_RETRY_MILLIS = 50;

  private final ServerOptions given;
  /** The listeners serving, in the order configured; replaced whole by a reload. */
  private volatile List<RunningListener> running = List.of();
  private volatile ListenerDeployer deployer;
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
    // The file's content before it is loaded: a change written while the server starts is then seen by the
    // watcher's first check, instead of being taken for the running version and never applied.
    String path = ConfigLoader.configFile();
    Future<Buffer> before = path == null ? Future.succeededFuture() : vertx.fileSystem().readFile(path)
        .otherwiseEmpty();
    return before.compose(content -> ConfigLoader.load(vertx, config()).compose(settings -> {
      ReloadOptions reload = ReloadOptions.from(settings);
      return listen(ServerOptions.from(settings)).onSuccess(id -> watchConfig(path, content, reload));
    }));
  }

  /**
   * With {@code config.scanPeriod} set, changes to the config file are applied without a restart; {@code loaded}
   * is the file's content read before the running configuration was loaded from it (null: unreadable).
   */
  private void watchConfig(String path, Buffer loaded, ReloadOptions reload) {
    if (reload.scanPeriodMillis() == 0) {
      return;
    }
    if (path == null) {
      log.warn("{} is set but there is no config file to watch", ReloadOptions.SCAN_PERIOD);
      return;
    }
    watcher = new ConfigWatcher(vertx, path, config(), this::tlsFilesInUse, this::apply);
    watcher.start(loaded, reload.scanPeriodMillis());
    log.info("EchoKit applies changes to {} within {} ms", path, reload.scanPeriodMillis());
  }

  /**
   * Applies a re-read configuration: logLevel and the limits at once; the listeners — their instances, address,
   * protocol settings and certificates — as {@link ReloadPlan} says; and names what needs a restart. New
   * listeners and certificates are checked (bound, loaded) before anything else changes: if one fails, the
   * returned future fails with a one-line reason and the running configuration stays whole.
   */
  Future<Void> apply(ServerOptions next) {
    ServerOptions was = options;
    ServerOptions target = new ServerOptions(next.host(), next.port(), next.instances(), next.listeners(),
        next.logLevel(), was.writeQueueMaxSize(), was.echoMode(), was.shutdownTimeoutMillis(), next.limits(),
        was.metrics());
    List<String> restart = new ArrayList<>();
    JsonObject wanted = next.toJson();
    JsonObject kept = target.toJson();
    for (String key : wanted.fieldNames()) {
      if (!wanted.getValue(key).equals(kept.getValue(key))) {
        restart.add(key);
      }
    }
    List<ListenerOptions> listeners = target.effectiveListeners();
    ReloadPlan plan = ReloadPlan.of(running, listeners);
    return credentials(plan, listeners)
        .compose(tls -> bindNew(target, plan, listeners, tls)
            .compose(started -> commit(was, target, plan, listeners, tls, started)))
        .onSuccess(v -> {
          if (!restart.isEmpty()) {
            log.warn("config change of {} takes effect after a restart", String.join(", ", restart));
          }
        });
  }

  /**
   * For each wanted listener, the TLS settings it starts with or changes to, loaded (a broken file fails here,
   * before anything changes); null where it has no TLS or keeps what it has — same settings, same file contents.
   */
  private Future<List<Credentials>> credentials(ReloadPlan plan, List<ListenerOptions> wanted) {
    List<Credentials> all = new ArrayList<>();
    Future<Void> loaded = Future.succeededFuture();
    for (int i = 0; i < wanted.size(); i++) {
      int index = i;
      RunningListener kept = plan.kept().get(i);
      loaded = loaded.compose(v -> credentials(wanted.get(index), index, kept)).map(c -> {
        all.add(c);
        return null;
      });
    }
    return loaded.map(v -> all);
  }

  /** Blocking work (files, key parsing, key generation for a self-signed certificate) on a worker thread. */
  private Future<Credentials> credentials(ListenerOptions listener, int index, RunningListener kept) {
    TlsOptions tls = listener.tls();
    if (tls == null) {
      return Future.succeededFuture(null);
    }
    return vertx.<Credentials>executeBlocking(() -> {
      TlsFiles files = TlsFiles.read(tls);
      if (kept != null && tls.equals(kept.options.tls()) && files.equals(kept.files)) {
        return null;
      }
      ServerSSLOptions ssl = TlsCredentials.serverOptions(tls, listener.host());
      KeyPairCheck.check(ssl.getKeyCertOptions().getKeyManagerFactory(vertx));
      if (ssl.getTrustOptions() != null) {
        ssl.getTrustOptions().getTrustManagerFactory(vertx);
      }
      return new Credentials(ssl, files);
    }).recover(err -> Future.failedFuture(new ConfigException("cannot set up TLS for " + ListenerOptions.KEY + "["
        + index + "]: " + err.getMessage())));
  }

  /**
   * Binds every wanted listener that is new on its address, while the old listeners still serve. If one cannot
   * bind, those bound before it are drained again and the reload fails with its reason.
   */
  private Future<List<RunningListener>> bindNew(ServerOptions target, ReloadPlan plan, List<ListenerOptions> wanted,
                                                List<Credentials> tls) {
    RunningListener[] started = new RunningListener[wanted.size()];
    Future<Void> bound = Future.succeededFuture();
    for (int i = 0; i < wanted.size(); i++) {
      int index = i;
      if (plan.starts(i) && plan.inPlace().get(i) == null) {
        bound = bound.compose(v -> start(target, wanted.get(index), tls.get(index), portSetting(target, index, true))
            .map(r -> {
              started[index] = r;
              return null;
            }));
      }
    }
    return bound
        .onFailure(err -> {
          // Not waited for: a connection accepted meanwhile gets its graceful drain, the rejection need not wait.
          for (RunningListener r : started) {
            if (r != null) {
              deployer.drain(r);
            }
          }
        })
        .map(v -> Arrays.asList(started));
  }

  private Future<RunningListener> start(ServerOptions opts, ListenerOptions listener, Credentials tls,
                                        String portSetting) {
    group.starting(listener.instances());
    return deployer.start(opts, listener, tls == null ? null : tls.ssl(), tls == null ? TlsFiles.NONE : tls.files(),
        portSetting);
  }

  /**
   * Everything that cannot fail the reload any more: the new options, rescaled listeners, new certificates, the
   * drain of listeners no longer wanted and the replacement of those that change protocol on their address.
   * Completes once every listener is as wanted, but before drained and retired instances are gone.
   */
  private Future<Void> commit(ServerOptions was, ServerOptions target, ReloadPlan plan, List<ListenerOptions> wanted,
                              List<Credentials> tls, List<RunningListener> started) {
    options = target;
    if (!target.logLevel().equals(was.logLevel()) || !target.limits().equals(was.limits())) {
      LogLevels.apply(target.logLevel());
      group.limits.update(target.limits());
      log.info("config reloaded: logLevel {}, limits {}", target.logLevel(), target.limits());
    }
    RunningListener[] slots = new RunningListener[wanted.size()];
    List<Future<?>> changes = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      RunningListener kept = plan.kept().get(i);
      if (kept != null) {
        slots[i] = kept;
        // The certificate first: instances added next should not start with the old one.
        Future<Void> certificate = tls.get(i) == null ? Future.succeededFuture() : updateTls(kept, tls.get(i));
        ListenerOptions options = wanted.get(i);
        TlsOptions before = kept.options.tls();
        changes.add(certificate.transform(done ->
            rescale(target, kept, done.succeeded() ? options : options.withTls(before))));
      } else if (started.get(i) != null) {
        slots[i] = started.get(i);
        logListening(slots[i]);
      }
    }
    for (RunningListener r : plan.drained()) {
      drain(r);
    }
    running = present(slots);
    Future<Void> replaced = Future.succeededFuture();
    for (int i = 0; i < wanted.size(); i++) {
      RunningListener old = plan.inPlace().get(i);
      if (old != null) {
        int index = i;
        replaced = replaced.compose(v -> replaceInPlace(target, old, wanted.get(index), tls.get(index), index)
            .map(r -> {
              slots[index] = r;
              running = present(slots);
              return null;
            }));
      }
    }
    changes.add(replaced);
    return Future.join(changes).mapEmpty();
  }

  /** More instances join the listener's socket; fewer retire the newest ones, whose connections are served on. */
  private Future<Void> rescale(ServerOptions target, RunningListener r, ListenerOptions wanted) {
    int before = r.options.instances();
    r.options = wanted;
    int after = wanted.instances();
    if (after > before) {
      group.starting(after - before);
      log.info("{}: {} → {} instances", r.bound().urls().get(0), before, after);
      return deployer.deploy(target, r, after - before)
          .onFailure(err -> log.error("{}: {} of {} instances running, the others could not start: {}",
              r.bound().urls().get(0), r.instances.size(), after, err.getMessage()));
    }
    if (after < before) {
      log.info("{}: {} → {} instances; the {} retired stop accepting and serve their open connections until these "
          + "close", r.bound().urls().get(0), before, after, before - after);
      // Not waited for: retired connections may stay open for as long as their clients and the limits allow.
      deployer.retire(r, before - after);
    }
    return Future.succeededFuture();
  }

  /** Swaps the certificate for connections accepted from now on; the instances share their first one's TLS. */
  private Future<Void> updateTls(RunningListener r, Credentials tls) {
    String url = r.bound().urls().get(0);
    return r.instances.get(0).verticle().updateSsl(tls.ssl())
        .onSuccess(v -> {
          r.ssl = tls.ssl();
          r.files = tls.files();
          log.info("{}: TLS reloaded for connections accepted from now on; open ones keep theirs", url);
        })
        .onFailure(err -> log.error("{}: the new TLS settings could not be applied, the old ones stay: {}", url,
            err.getMessage()))
        .mapEmpty();
  }

  private void drain(RunningListener r) {
    log.info("EchoKit stopped listening on {}; its open connections get up to {} ms to finish their echoes",
        r.bound().urls().get(0), options.shutdownTimeoutMillis());
    deployer.drain(r);
  }

  /**
   * A listener that changes protocol or protocol settings on the same address cannot be bound before the old
   * one lets go of it: the old one drains first, then the new one starts; in between the address refuses
   * connections and the server reports itself not ready.
   */
  private Future<RunningListener> replaceInPlace(ServerOptions target, RunningListener old, ListenerOptions wanted,
                                                 Credentials tls, int index) {
    String url = old.bound().urls().get(0);
    log.info("EchoKit replaces {} on the same address: it drains first (up to {} ms), then {}://{}:{} starts", url,
        target.shutdownTimeoutMillis(), wanted.scheme(), wanted.host(), wanted.port());
    // Announced before the drain, so that readiness is DOWN while the address refuses connections.
    group.starting(wanted.instances());
    return deployer.drain(old)
        .compose(v -> bindAgain(target, wanted, tls, index, 1))
        .onSuccess(this::logListening)
        .onFailure(err -> log.error("{}: the replacement could not start and the address is not served until the "
            + "next config change: {}", url, err.getMessage()))
        .recover(err -> Future.succeededFuture(null));
  }

  /** Binds the replacement on the address its predecessor just let go of, retrying while the kernel still holds it. */
  private Future<RunningListener> bindAgain(ServerOptions target, ListenerOptions wanted, Credentials tls, int index,
                                            int attempt) {
    return deployer.start(target, wanted, tls == null ? null : tls.ssl(), tls == null ? TlsFiles.NONE : tls.files(),
            portSetting(target, index, true))
        .recover(err -> {
          if (attempt >= REBIND_ATTEMPTS || !addressInUse(err)) {
            return Future.failedFuture(err);
          }
          Promise<RunningListener> again = Promise.promise();
          // On this verticle's context: a timer set on the drained listener's context would die with it.
          context.runOnContext(v -> vertx.setTimer(REBIND_RETRY_MILLIS, t -> {
            group.starting(wanted.instances());
            bindAgain(target, wanted, tls, index, attempt + 1).onComplete(again);
          }));
          return again.future();
        });
  }

  private static boolean addressInUse(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static List<RunningListener> present(RunningListener[] slots) {
    return Arrays.stream(slots).filter(Objects::nonNull).toList();
  }

  /** Where a listener's port is set, for the message when it cannot bind: reloads read the file's keys. */
  private static String portSetting(ServerOptions opts, int index, boolean reload) {
    if (opts.listeners().isEmpty()) {
      return reload ? ServerOptions.PORT : "ECHOKIT_PORT";
    }
    return ListenerOptions.KEY + "[" + index + "]." + ServerOptions.PORT;
  }

  /** The file digests behind every running TLS listener's certificate, for the watcher to spot a rotation. */
  Map<String, String> tlsFilesInUse() {
    Map<String, String> inUse = new TreeMap<>();
    running.forEach(r -> inUse.putAll(r.files.digests()));
    return inUse;
  }

  private Future<String> listen(ServerOptions opts) {
    options = opts;
    LogLevels.apply(opts.logLevel());
    List<ListenerOptions> wanted = opts.effectiveListeners();
    ListenerGroup listenerGroup = new ListenerGroup(opts.limits());
    listenerGroup.starting(wanted.stream().mapToInt(ListenerOptions::instances).sum());
    group = listenerGroup;
    EchoMetrics echoMetrics = opts.metrics().enabled() ? EchoMetrics.forVertx(vertx) : EchoMetrics.off();
    metrics = echoMetrics;
    echoMetrics.readiness(listenerGroup::ready);
    deployer = new ListenerDeployer(vertx, context, listenerGroup, echoMetrics);
    // One after the other, so that a failure names the first listener that could not start.
    List<RunningListener> started = new ArrayList<>();
    Future<Void> all = Future.succeededFuture();
    for (int i = 0; i < wanted.size(); i++) {
      int index = i;
      ListenerOptions listener = wanted.get(i);
      all = all.compose(v -> credentials(listener, index, null))
          .compose(tls -> deployer.start(opts, listener, tls == null ? null : tls.ssl(),
              tls == null ? TlsFiles.NONE : tls.files(), portSetting(opts, index, false)))
          .map(r -> {
            started.add(r);
            running = List.copyOf(started);
            return null;
          });
    }
    return all
        .compose(v -> startAdmin(opts.metrics(), echoMetrics, listenerGroup))
        .map(v -> {
          running.forEach(this::logListening);
          return deploymentID();
        });
  }

  private void logListening(RunningListener r) {
    ListenerOptions l = r.options;
    BoundListener bound = r.bound();
    String loops = l.instances() + " event loop" + (l.instances() == 1 ? "" : "s");
    switch (l.protocol()) {
      case TCP, TLS -> log.info("EchoKit listening on {} ({}, {} echo{})", bound.urls().get(0), loops,
          options.echoMode().name().toLowerCase(), l.tls() != null && l.tls().clientAuth() != TlsOptions.ClientAuth.NONE
              ? ", client certificates " + l.tls().clientAuth().name().toLowerCase() : "");
      case UDP -> log.info("EchoKit listening on {} ({}, datagrams up to {} bytes from source ports {} and up, per "
              + "source at most {} datagrams/s and {} bytes/s; 0 means no limit)", bound.urls().get(0), loops,
          l.udp().maxDatagramSize(), l.udp().minSourcePort(), l.udp().datagramsPerSecond(), l.udp().bytesPerSecond());
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
    ListenerGroup g = group;
    long served = g == null ? 0 : g.limits.admitted();
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
    return running.stream().filter(r -> r.options.protocol() == protocol).mapToInt(RunningListener::port)
        .findFirst().orElse(-1);
  }

  /** Every listener that is serving, in the order configured. */
  public List<BoundListener> listeners() {
    return running.stream().map(RunningListener::bound).toList();
  }

  /** Connections accepted so far, by the event-loop thread that serves them (instances a reload retired included). */
  public Map<String, Long> connectionsByEventLoop() {
    ListenerDeployer d = deployer;
    return d == null ? Map.of() : d.acceptedByThread(running);
  }

  /** A listener's TLS settings, and the digests of the files they were loaded from. */
  private record Credentials(ServerSSLOptions ssl, TlsFiles files) {
  }
}
