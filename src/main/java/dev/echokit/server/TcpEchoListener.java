package dev.echokit.server;

import dev.echokit.config.ServerOptions;
import dev.echokit.metrics.ListenerMeters;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** One TCP (or TLS) listener on one event loop: every accepted socket's bytes are echoed back to it. */
final class TcpEchoListener extends EchoListener {

  private static final Logger log = LoggerFactory.getLogger(TcpEchoListener.class);

  /**
   * How long Vert.x may hold the connections of an instance retired by a reload. In practice never: they end
   * when their client or a limit (idleTimeout, maxConnectionDuration, maxConnectionBytes) closes them, or when
   * the server stops. Vert.x's shutdown needs a number; a century keeps every timer's nanoseconds inside a long.
   */
  static final long RETIRED_GRACE_MILLIS = TimeUnit.DAYS.toMillis(36_500);

  private final ListenerContext context;
  private final ServerOptions options;
  private final ListenerGroup group;
  private final ListenerMeters meters;
  private final Map<String, LongAdder> acceptedByThread = new ConcurrentHashMap<>();
  /** This listener's open connections; touched on its event loop only. */
  private final Set<ServedConnection> open = new HashSet<>();
  private NetServer server;
  private LimitSweep<ServedConnection> sweep;
  private long forceCloseTimer = -1;
  /** Set when a reload retires this instance: its connections are served on instead of drained. Event loop only. */
  private boolean keepConnections;

  TcpEchoListener(ListenerContext context) {
    this.context = context;
    this.options = context.server();
    this.meters = context.meters();
    this.group = context.group();
  }

  @Override
  public Future<?> start() {
    // Echo replies are latency-bound: never hold a small reply back waiting for more data.
    NetServerOptions serverOptions = new NetServerOptions().setTcpNoDelay(true);
    if (context.ssl() != null) {
      TlsCredentials.apply(serverOptions, context.ssl());
    }
    server = vertx.createNetServer(serverOptions).connectHandler(this::echo);
    // A connection checks against the limits it was accepted under (see ServedConnection).
    sweep = new LimitSweep<>(vertx, group.limits, open, (c, now, limits) -> c.checkTimeLimits(now));
    sweep.start();
    return server.listen(context.bindPort(), context.listener().host()).onSuccess(s -> group.bound());
  }

  /** Stops accepting, lets open connections finish their echoes, and closes what is left at the timeout. */
  @Override
  public Future<?> stop() {
    long timeout = options.shutdownTimeoutMillis();
    if (group.startDraining()) {
      log.info("EchoKit draining: no new connections; open ones get up to {} ms to finish their echoes", timeout);
    }
    if (keepConnections) {
      // Retired by a reload and now the server stops: its remaining connections drain like every other.
      List.copyOf(open).forEach(ServedConnection::closeWhenQuiet);
      if (timeout > 0) {
        forceCloseTimer = vertx.setTimer(timeout, t -> List.copyOf(open).forEach(ServedConnection::closeNow));
      } else {
        List.copyOf(open).forEach(ServedConnection::closeNow);
      }
    }
    return server.shutdown(timeout, TimeUnit.MILLISECONDS)
        .andThen(done -> {
          sweep.stop();
          vertx.cancelTimer(forceCloseTimer);
          meters.close();
        });
  }

  @Override
  Future<?> leave(boolean keep) {
    Promise<Void> left = Promise.promise();
    // On this instance's event loop: the shutdown handlers of its connections read keepConnections there.
    super.context.runOnContext(v -> {
      keepConnections = keep;
      server.shutdown(keep ? RETIRED_GRACE_MILLIS : options.shutdownTimeoutMillis(), TimeUnit.MILLISECONDS)
          .onComplete(left);
    });
    return left.future();
  }

  /** Open ones keep their certificate; forced, because a rotated file keeps its path and so looks unchanged. */
  @Override
  Future<Boolean> updateSsl(ServerSSLOptions ssl) {
    return server.updateSSLOptions(ssl, true);
  }

  @Override
  int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  Map<String, Long> acceptedByThread() {
    Map<String, Long> copy = new ConcurrentHashMap<>();
    acceptedByThread.forEach((thread, n) -> copy.put(thread, n.sum()));
    return copy;
  }

  private void echo(NetSocket socket) {
    SocketAddress peer = socket.remoteAddress();
    String address = peer.hostAddress();
    if (group.admit(peer, meters) != null) {
      socket.close();
      return;
    }
    acceptedByThread.computeIfAbsent(Thread.currentThread().getName(), t -> new LongAdder()).increment();
    log.debug("{} connected", peer);
    ServedConnection connection = new ServedConnection(vertx, socket, group.limits.current(), group.rejections, meters,
        System.nanoTime());
    meters.opened();
    open.add(connection);
    // Reads pause while the write queue is full, so a client that sends without reading holds at most
    // writeQueueMaxSize bytes (plus one read) here.
    socket.setWriteQueueMaxSize(options.writeQueueMaxSize());
    socket.exceptionHandler(err -> {
      // A client that resets instead of closing is ordinary (killed processes, load generators): at WARN,
      // a storm of resets would flood the log, so they go to DEBUG and every other error to WARN.
      if (String.valueOf(err.getMessage()).contains("Connection reset")) {
        log.debug("{} reset the connection", peer);
      } else {
        log.warn("{} connection error: {}", peer, err.getMessage());
      }
    });
    socket.closeHandler(v -> {
      connection.closed();
      open.remove(connection);
      meters.closed();
      group.limits.release(address);
      log.debug("{} closed", peer);
    });
    // Without a shutdown handler Vert.x would hold every connection, idle or not, until the timeout. A retired
    // instance's connections are the exception: they are served on until they end on their own.
    socket.shutdownHandler(v -> {
      if (!keepConnections) {
        connection.closeWhenQuiet();
      }
    });
    switch (options.echoMode()) {
      case DIRECT -> SocketInternals.echoDirectly(socket, new DirectEcho(connection));
      case PIPE -> PipeEcho.start(socket, connection);
    }
  }
}
