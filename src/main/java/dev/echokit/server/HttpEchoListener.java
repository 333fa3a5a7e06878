package dev.echokit.server;

import dev.echokit.config.HttpOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.metrics.ListenerMeters;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** One HTTP/1.1 listener on one event loop: the WebSocket echo, {@code POST /echo} and the browser page. */
final class HttpEchoListener extends EchoListener {

  private static final Logger log = LoggerFactory.getLogger(HttpEchoListener.class);

  /** Where bodies are echoed; fixed, so that the page and the examples can rely on it. */
  static final String ECHO_PATH = "/echo";
  /**
   * Seconds the server waits for the client's answer to a close frame it sent (limit broken, shutdown)
   * before dropping the connection. Vert.x's default is 10; after a refused frame Netty discards all input,
   * answer included, so every such close would hold a connection slot that long for nothing.
   */
  static final int WEB_SOCKET_CLOSING_TIMEOUT_SECONDS = 1;

  private final ListenerContext context;
  private final ServerOptions options;
  private final HttpOptions http;
  private final ListenerGroup group;
  private final ListenerMeters meters;
  private final WebAssets assets;
  /** Admitted HTTP connections not (yet) upgraded to a WebSocket; touched on this listener's event loop only. */
  private final Map<HttpConnection, HttpConnectionSlot> slots = new HashMap<>();
  /** Every admitted connection still open, upgraded or not, for the idle and duration checks. */
  private final Set<HttpConnectionSlot> open = new HashSet<>();
  /** Open WebSockets, so that a retired instance's can be closed when the server stops; event loop only. */
  private final Set<WebSocketEcho> webSockets = new HashSet<>();
  private HttpServer server;
  private LimitSweep<HttpConnectionSlot> sweep;
  /** Set by a reload that retires this instance with fewer of its kind: its WebSockets keep echoing. */
  private boolean keepConnections;

  HttpEchoListener(ListenerContext context) {
    this.context = context;
    this.options = context.server();
    this.http = context.listener().http();
    this.group = context.group();
    this.meters = context.meters();
    this.assets = WebAssets.load(http.webSocketPath());
  }

  @Override
  public Future<?> start() {
    HttpServerOptions serverOptions = new HttpServerOptions()
        // Echo replies are latency-bound: never hold a small reply back waiting for more data.
        .setTcpNoDelay(true)
        // HTTP/1.1 only: the limits count connections, and one HTTP/2 connection would carry many streams.
        .setHttp2ClearTextEnabled(false)
        .setMaxWebSocketFrameSize(http.maxFrameSize())
        .setMaxWebSocketMessageSize(http.maxMessageSize())
        // A compressed frame may inflate far beyond maxFrameSize before any limit sees it; an echo measures
        // the network, so it has nothing to gain from compression.
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setWebSocketClosingTimeout(WEB_SOCKET_CLOSING_TIMEOUT_SECONDS);
    // No Vert.x idle timeout: it drops a WebSocket without a close frame (the client sees 1006) and uncounted.
    // The sweep closes idle connections itself, with 1001 for a WebSocket, and follows config reloads.
    if (context.ssl() != null) {
      TlsCredentials.apply(serverOptions, context.ssl());
    }
    server = vertx.createHttpServer(serverOptions)
        .connectionHandler(this::admit)
        .requestHandler(this::route);
    sweep = new LimitSweep<>(vertx, group.limits, open, HttpConnectionSlot::checkTimeLimits);
    sweep.start();
    return server.listen(context.bindPort(), context.listener().host()).onSuccess(s -> group.bound());
  }

  /** Stops accepting; WebSockets are closed with 1001, requests in progress get up to the shutdown timeout. */
  @Override
  public Future<?> stop() {
    if (group.startDraining()) {
      log.info("EchoKit draining: no new connections; open ones get up to {} ms to finish their echoes",
          options.shutdownTimeoutMillis());
    }
    if (keepConnections) {
      // Retired by a reload and now the server stops: the WebSockets it kept go the way of every other one.
      List.copyOf(webSockets).forEach(WebSocketEcho::shutDown);
    }
    return server.shutdown(options.shutdownTimeoutMillis(), TimeUnit.MILLISECONDS).andThen(done -> {
      sweep.stop();
      meters.close();
    });
  }

  @Override
  Future<?> leave(boolean keep) {
    Promise<Void> left = Promise.promise();
    // On this instance's event loop: its WebSockets' shutdown handlers read keepConnections there.
    super.context.runOnContext(v -> {
      keepConnections = keep;
      server.shutdown(keep ? TcpEchoListener.RETIRED_GRACE_MILLIS : options.shutdownTimeoutMillis(),
          TimeUnit.MILLISECONDS).onComplete(left);
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

  /** Takes a slot under the connection limits for a new connection, or closes it. */
  private void admit(HttpConnection connection) {
    SocketAddress peer = connection.remoteAddress();
    String address = peer.hostAddress();
    if (group.admit(peer, meters) != null) {
      connection.close();
      return;
    }
    HttpConnectionSlot slot = new HttpConnectionSlot(group.limits, group.rejections, meters, address, peer,
        (limit, reason) -> connection.close(), System.nanoTime());
    slots.put(connection, slot);
    open.add(slot);
    // Never runs once the connection is upgraded (Vert.x moves it to a WebSocket connection): the upgrade
    // hands the slot to the WebSocket's close handler. Releasing twice would be harmless.
    connection.closeHandler(v -> {
      slots.remove(connection);
      open.remove(slot);
      slot.release();
    });
    connection.exceptionHandler(err -> log.debug("{} HTTP connection error: {}", peer, err.toString()));
  }

  private void route(HttpServerRequest request) {
    HttpConnectionSlot slot = slots.get(request.connection());
    if (slot == null) {
      // A request that arrived on a refused connection before its close took effect.
      request.connection().close();
      return;
    }
    slot.heard();
    String path = request.path();
    if (path.equals(http.webSocketPath())) {
      upgrade(request, slot);
    } else if (request.canUpgradeToWebSocket()) {
      answer(request, 404, "no WebSocket here: the echo is at " + http.webSocketPath());
    } else if (path.equals(ECHO_PATH)) {
      if (request.method() == HttpMethod.POST) {
        BodyEcho.handle(vertx, request, http.maxBodySize(), meters, slot);
      } else {
        request.response().putHeader(HttpHeaders.ALLOW, "POST");
        answer(request, 405, request.method() + " not allowed on " + ECHO_PATH + ": POST the body to echo");
      }
    } else {
      WebAssets.Asset asset = assets.get(path);
      if (asset == null) {
        answer(request, 404, "not found: the page is at /, the WebSocket echo at " + http.webSocketPath()
            + ", the body echo at POST " + ECHO_PATH);
      } else if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
        request.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
            // Always revalidated, so that a new version of the page is picked up at once.
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
            .putHeader("X-Content-Type-Options", "nosniff")
            // The page loads only its own files and connects only back to this server.
            .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'")
            .end(asset.body());
      } else {
        request.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
        answer(request, 405, request.method() + " not allowed on " + path + ": GET it");
      }
    }
  }

  private void upgrade(HttpServerRequest request, HttpConnectionSlot slot) {
    if (!request.canUpgradeToWebSocket()) {
      request.response().putHeader(HttpHeaders.UPGRADE, "websocket");
      answer(request, 426, "this is the WebSocket echo: connect with a WebSocket client");
      return;
    }
    HttpConnection connection = request.connection();
    request.toWebSocket()
        .onSuccess(ws -> {
          slots.remove(connection);
          WebSocketEcho echo = WebSocketEcho.start(ws, http.maxMessageSize(), options.writeQueueMaxSize(), meters,
              slot, () -> keepConnections);
          webSockets.add(echo);
          ws.closeHandler(v -> {
            webSockets.remove(echo);
            open.remove(slot);
            slot.release();
          });
          log.debug("{} WebSocket opened", ws.remoteAddress());
        })
        // Vert.x has already answered a broken handshake with an error status.
        .onFailure(err -> log.debug("{} WebSocket handshake failed: {}", connection.remoteAddress(), err.toString()));
  }

  /** Ends {@code request} with {@code status} and a one-line text reason. */
  private static void answer(HttpServerRequest request, int status, String reason) {
    HttpServerResponse response = request.response();
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(reason + "\n");
  }
}
