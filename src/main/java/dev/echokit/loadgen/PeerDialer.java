package dev.echokit.loadgen;

import dev.echokit.client.TlsClientSettings;
import dev.echokit.client.TlsFailure;
import dev.echokit.client.WebSocketFailure;
import dev.echokit.config.LoadOptions;
import dev.echokit.config.PeerOptions.Transport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Opens the load generator's connections the way the options say: TCP, TLS (with the client's own TLS settings), or a
 * WebSocket ({@code ws://} or {@code wss://}); one per event loop, holding its Vert.x client for its whole life.
 */
final class PeerDialer {

  private final LoadOptions options;
  private final boolean webSocket;
  /** Held for the dialer's life: Vert.x 5 closes a client that becomes unreachable, killing its connections. */
  private final NetClient netClient;
  private final WebSocketClient webSocketClient;

  /**
   * Reads the TLS files now.
   *
   * @throws dev.echokit.config.ConfigException when a --trust, --cert or --key file cannot be used
   */
  PeerDialer(Vertx vertx, LoadOptions options) {
    this.options = options;
    this.webSocket = options.peer().transport() == Transport.WS;
    TlsClientSettings tls = new TlsClientSettings(options.peer(), "bench.");
    if (webSocket) {
      netClient = null;
      webSocketClient = vertx.createWebSocketClient(tls.apply(new WebSocketClientOptions()
          .setConnectTimeout(options.connectTimeoutMillis())
          // Echo requests are latency-bound: never hold a small message back waiting for more data.
          .setTcpNoDelay(true)
          // Vert.x queues WebSockets beyond 50 per server by default; every connection of the run must open at once.
          .setMaxConnections(options.connections())
          // Each message goes out as one frame, as browsers send them, and its echo may come back as one frame.
          .setMaxFrameSize(Math.max(WebSocketClientOptions.DEFAULT_MAX_FRAME_SIZE, options.sizeMax()))
          .setMaxMessageSize(Math.max(WebSocketClientOptions.DEFAULT_MAX_MESSAGE_SIZE, options.sizeMax()))));
    } else {
      webSocketClient = null;
      netClient = vertx.createNetClient(tls.apply(new NetClientOptions()
          .setConnectTimeout(options.connectTimeoutMillis())
          // Echo requests are latency-bound: never hold a small message back waiting for more data.
          .setTcpNoDelay(true)));
    }
  }

  /** Opens connection {@code index} and puts the load on it once started. */
  Future<LoadConnection> open(int index, PayloadBlock block, WorkerStats stats, long seed, Runnable onDone) {
    if (webSocket) {
      return connectWebSocket().map(ws -> new WebSocketLoadConnection(index, options, block, stats, seed, ws, onDone));
    }
    return netClient.connect(options.port(), options.host())
        .map(socket -> new EchoConnection(index, options, block, stats, seed, socket, onDone));
  }

  /**
   * Opens and closes one connection, unmeasured: the process's first connect (and first TLS handshake) loads and links
   * the whole connect path, which would otherwise add hundreds of milliseconds to the measured connect times. A
   * failure is ignored here: the real connections report it.
   */
  Future<Void> prime() {
    Future<Void> done = webSocket
        ? connectWebSocket().compose(WebSocket::close)
        : netClient.connect(options.port(), options.host()).compose(NetSocket::close);
    return done.otherwiseEmpty();
  }

  Future<Void> close() {
    return webSocket ? webSocketClient.close() : netClient.close();
  }

  /** Why a connection failed, in a few words: the usual network causes, TLS problems, a refused WebSocket upgrade. */
  String describe(Throwable err) {
    String tls = TlsFailure.describe(err, options.peer(), options.host());
    if (tls != null) {
      return tls;
    }
    String upgrade = WebSocketFailure.describe(err);
    if (upgrade != null) {
      return upgrade;
    }
    String text = String.valueOf(err.getMessage()).toLowerCase(Locale.ROOT);
    if (text.contains("refused")) {
      return "connection refused — is the server running?";
    }
    if (text.contains("timed out")) {
      return "connection timed out — is the host reachable and the port open?";
    }
    if (err instanceof UnknownHostException || err.getCause() instanceof UnknownHostException) {
      return "unknown host — check the host name";
    }
    return String.valueOf(err.getMessage());
  }

  private Future<WebSocket> connectWebSocket() {
    return webSocketClient.connect(new WebSocketConnectOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setURI(options.peer().webSocketPath())
        .setSsl(options.peer().tls()));
  }
}
