package dev.echokit.server;

import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.ServerOptions;
import dev.echokit.metrics.EchoMetrics;
import dev.echokit.server.RunningListener.Instance;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Deploys the instances of the server's listeners, one deployment each, and takes them away again for a
 * reload, keeping the readiness counts of their {@link ListenerGroup} in step.
 */
final class ListenerDeployer {

  private static final Logger log = LoggerFactory.getLogger(ListenerDeployer.class);

  /**
   * Vert.x lets listeners share one random port when they all ask for the same negative port; each listener
   * takes its own negative number so two listeners (or two servers in one Vert.x) never share by accident.
   */
  private static final AtomicInteger NEXT_RANDOM_PORT_GROUP = new AtomicInteger();

  private final Vertx vertx;
  /** The server verticle's context: deployments made from it are its children and stop with it. */
  private final Context serverContext;
  private final ListenerGroup group;
  private final EchoMetrics metrics;
  private final AtomicInteger nextMeterIndex = new AtomicInteger();
  /** Instances a reload took away that are not yet undeployed: still counted in {@link #acceptedByThread}. */
  private final Set<Instance> leaving = ConcurrentHashMap.newKeySet();
  /** Connections accepted by instances already undeployed, so that the totals outlive them. Guarded by this. */
  private final Map<String, Long> acceptedByGone = new TreeMap<>();

  ListenerDeployer(Vertx vertx, Context serverContext, ListenerGroup group, EchoMetrics metrics) {
    this.vertx = vertx;
    this.serverContext = serverContext;
    this.group = group;
    this.metrics = metrics;
  }

  /**
   * Binds a new listener's instances — the first alone, so that it owns the socket the others join — once the
   * caller has announced them to the group. On failure nothing of it is left running and the error says which
   * setting to change ({@code portSetting}).
   */
  Future<RunningListener> start(ServerOptions server, ListenerOptions listener, ServerSSLOptions ssl, TlsFiles files,
                                String portSetting) {
    int bindPort = listener.port() != 0 ? listener.port() : -1 - NEXT_RANDOM_PORT_GROUP.getAndIncrement() % 65535;
    RunningListener r = new RunningListener(listener, bindPort, ssl, files);
    int rest = listener.instances() - 1;
    return deploy(server, r, 1)
        .onFailure(err -> {
          for (int i = 0; i < rest; i++) {
            group.notBound();
          }
        })
        .compose(v -> deploy(server, r, rest))
        .recover(err -> takeAway(r, List.copyOf(r.instances), false)
            .transform(v -> Future.failedFuture(ListenException.describe(err, listener.scheme(), listener.host(),
                listener.port(), portSetting))))
        .map(v -> r);
  }

  /** Deploys {@code count} more instances of {@code r}, announced to the group by the caller; each that fails leaves it. */
  Future<Void> deploy(ServerOptions server, RunningListener r, int count) {
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(onServerContext(() -> deployOne(server, r)));
    }
    return Future.join(all).mapEmpty();
  }

  private Future<Void> deployOne(ServerOptions server, RunningListener r) {
    ListenerOptions listener = r.options;
    ListenerContext context = new ListenerContext(server, listener, r.bindPort, group,
        metrics.listener(nextMeterIndex.getAndIncrement(), mode(server, listener), listener.scheme(),
            LimitReason.tags(listener.protocol()), listener.protocol() == Protocol.UDP),
        r.ssl);
    EchoListener verticle = create(context);
    return vertx.deployVerticle(verticle)
        .onSuccess(id -> r.instances.add(new Instance(verticle, id)))
        .onFailure(err -> {
          group.notBound();
          // A verticle whose start failed is not stopped: its meters would stay registered.
          context.meters().close();
        })
        .mapEmpty();
  }

  /**
   * Takes {@code count} instances away from {@code r}, the newest first: they stop accepting at once and serve
   * their open connections until those end on their own. Completes once they are all undeployed.
   */
  Future<Void> retire(RunningListener r, int count) {
    List<Instance> all = List.copyOf(r.instances);
    return takeAway(r, all.subList(all.size() - count, all.size()), true);
  }

  /** Takes all of {@code r} away: it stops accepting at once, and open connections get shutdownTimeout to finish. */
  Future<Void> drain(RunningListener r) {
    return takeAway(r, List.copyOf(r.instances), false);
  }

  private Future<Void> takeAway(RunningListener r, List<Instance> going, boolean keepConnections) {
    r.instances.removeAll(going);
    List<Future<?>> undeployed = new ArrayList<>();
    for (Instance instance : going) {
      // Every deployed instance has bound: its start completes only then.
      group.leaving(instance.deploymentId());
      leaving.add(instance);
      undeployed.add(instance.verticle().leave(keepConnections)
          .transform(left -> vertx.undeploy(instance.deploymentId()))
          // The server stopped meanwhile and undeployed it along with the rest: nothing left to do.
          .recover(err -> {
            log.debug("instance {} was already undeployed: {}", instance.deploymentId(), err.getMessage());
            return Future.succeededFuture();
          })
          .andThen(done -> gone(instance)));
    }
    return Future.join(undeployed).mapEmpty();
  }

  private synchronized void gone(Instance instance) {
    if (instance.verticle() instanceof TcpEchoListener tcp) {
      tcp.acceptedByThread().forEach((thread, n) -> acceptedByGone.merge(thread, n, Long::sum));
    }
    leaving.remove(instance);
    group.gone(instance.deploymentId());
  }

  /** Connections accepted so far by the instances of {@code running}, those leaving and those gone, by event-loop thread. */
  synchronized Map<String, Long> acceptedByThread(List<RunningListener> running) {
    Map<String, Long> byThread = new TreeMap<>(acceptedByGone);
    List<Instance> all = new ArrayList<>(leaving);
    running.forEach(r -> all.addAll(r.instances));
    for (Instance instance : all) {
      if (instance.verticle() instanceof TcpEchoListener tcp) {
        tcp.acceptedByThread().forEach((thread, n) -> byThread.merge(thread, n, Long::sum));
      }
    }
    return byThread;
  }

  /**
   * Runs {@code action} on the server verticle's context: a deployment made from a listener's context (where
   * the future of its {@code leave} completes) would become that listener's child and stop with it.
   */
  private <T> Future<T> onServerContext(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    serverContext.runOnContext(v -> action.get().onComplete(done));
    return done.future();
  }

  private static String mode(ServerOptions server, ListenerOptions listener) {
    return switch (listener.protocol()) {
      case TCP, TLS -> server.echoMode().name().toLowerCase();
      case UDP -> "datagram";
      case HTTP -> "message";
    };
  }

  private static EchoListener create(ListenerContext context) {
    return switch (context.listener().protocol()) {
      case TCP, TLS -> new TcpEchoListener(context);
      case UDP -> new UdpEchoListener(context);
      case HTTP -> new HttpEchoListener(context);
    };
  }
}
