package dev.echokit.server;

import dev.echokit.config.ServerOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** One TCP listener on one event loop: every accepted socket's bytes are echoed back to it. */
final class TcpEchoListener extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(TcpEchoListener.class);

  private final ServerOptions options;
  private final int bindPort;
  private final ListenerGroup group;
  private final Map<String, LongAdder> acceptedByThread = new ConcurrentHashMap<>();
  private NetServer server;

  TcpEchoListener(ServerOptions options, int bindPort, ListenerGroup group) {
    this.options = options;
    this.bindPort = bindPort;
    this.group = group;
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(new NetServerOptions()
            // Echo replies are latency-bound: never hold a small reply back waiting for more data.
            .setTcpNoDelay(true))
        .connectHandler(this::echo);
    return server.listen(bindPort, options.host()).onSuccess(s -> group.bound());
  }

  /** Stops accepting, lets open connections finish their echoes, and closes what is left at the timeout. */
  @Override
  public Future<?> stop() {
    if (group.startDraining()) {
      log.info("EchoKit draining: no new connections; open ones get up to {} ms to finish their echoes",
          options.shutdownTimeoutMillis());
    }
    return server.shutdown(options.shutdownTimeoutMillis(), TimeUnit.MILLISECONDS);
  }

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
    acceptedByThread.computeIfAbsent(Thread.currentThread().getName(), t -> new LongAdder()).increment();
    log.debug("{} connected", peer);
    ServedConnection connection = new ServedConnection(vertx, socket);
    // Reads pause while the write queue is full, so a client that sends without reading holds at most
    // writeQueueMaxSize bytes (plus one read) here.
    socket.setWriteQueueMaxSize(options.writeQueueMaxSize());
    socket.exceptionHandler(err -> log.warn("{} connection error: {}", peer, err.getMessage()));
    socket.closeHandler(v -> {
      connection.closed();
      log.debug("{} closed", peer);
    });
    // Without a shutdown handler Vert.x would hold every connection, idle or not, until the timeout.
    socket.shutdownHandler(v -> connection.closeWhenQuiet());
    switch (options.echoMode()) {
      case DIRECT -> DirectEcho.start(socket, connection);
      case PIPE -> PipeEcho.start(socket, connection);
    }
  }
}
