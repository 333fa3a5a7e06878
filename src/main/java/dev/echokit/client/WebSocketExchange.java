package dev.echokit.client;

import dev.echokit.config.ClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;

import java.nio.charset.StandardCharsets;

/**
 * One request at a time over a WebSocket: each message goes out as one frame, text or binary, and its echo must come
 * back as one message (in one frame or several) of the same type with the same bytes, checked frame by frame as they
 * arrive.
 */
final class WebSocketExchange implements Exchange {

  /**
   * Standard input lines have no length known up front: lines up to this size go out as one frame (longer ones as
   * several), and echoes come back in frames up to this size.
   */
  static final int LINE_FRAME_LIMIT = 16 << 20;

  /** Held for the exchange's life: Vert.x 5 closes a client that becomes unreachable, killing its WebSocket. */
  private final WebSocketClient client;
  private final WebSocket ws;
  private final PendingEcho echo;
  private boolean expectText;

  private WebSocketExchange(Vertx vertx, WebSocketClient client, WebSocket ws, long timeoutMillis) {
    this.client = client;
    this.ws = ws;
    this.echo = new PendingEcho(vertx, timeoutMillis);
    ws.frameHandler(this::onFrame);
    ws.closeHandler(v -> onClose());
    ws.exceptionHandler(err -> {
      // A connection that drops without a close frame is reported by the close handler, with what came back.
      if (!(err instanceof HttpClosedException)) {
        echo.fail(EchoException.io(String.valueOf(ws.remoteAddress()), err));
      }
    });
  }

  /**
   * Opens the WebSocket ({@code wss://} with TLS) at the configured path, with a frame limit that fits the largest
   * message this client sends: each message goes out as one frame, as browsers send them, and its echo may come back
   * as one frame too.
   */
  static Future<Exchange> connect(Vertx vertx, ClientOptions opts, TlsClientSettings tls) {
    int frameLimit = frameLimit(opts);
    WebSocketClient client = vertx.createWebSocketClient(tls.apply(new WebSocketClientOptions()
        .setConnectTimeout(opts.connectTimeoutMillis())
        // Echo requests are latency-bound: never hold a small message back waiting for more data.
        .setTcpNoDelay(true)
        .setMaxFrameSize(frameLimit)
        .setMaxMessageSize(frameLimit)));
    String url = opts.peer().scheme() + "://" + opts.host() + ":" + opts.port() + opts.peer().webSocketPath();
    return client.connect(new WebSocketConnectOptions()
            .setHost(opts.host())
            .setPort(opts.port())
            .setURI(opts.peer().webSocketPath())
            .setSsl(opts.peer().tls()))
        .recover(err -> Future.failedFuture(connectFailed(opts, url, err)))
        .map(ws -> new WebSocketExchange(vertx, client, ws, opts.timeoutMillis()));
  }

  /** The largest message this client will send, so the largest frame its echo can come back in; at least Vert.x's default. */
  private static int frameLimit(ClientOptions opts) {
    long largest = WebSocketClientOptions.DEFAULT_MAX_FRAME_SIZE;
    if (opts.stdin()) {
      largest = Math.max(largest, LINE_FRAME_LIMIT);
    }
    largest = Math.max(largest, opts.payloadBytes());
    for (String m : opts.messages()) {
      largest = Math.max(largest, m.getBytes(StandardCharsets.UTF_8).length);
    }
    return (int) Math.min(Integer.MAX_VALUE, largest);
  }

  private static Throwable connectFailed(ClientOptions opts, String url, Throwable err) {
    String upgrade = WebSocketFailure.describe(err);
    if (upgrade != null) {
      return EchoException.because("cannot connect to " + url + ": " + upgrade, err);
    }
    Throwable tlsFailure = TlsFailure.explain(err, opts.peer(), opts.host(), opts.port());
    return tlsFailure != err ? tlsFailure : EchoException.connectFailed(opts.host(), opts.port(), err);
  }

  @Override
  public Future<Void> roundTrip(Buffer data, boolean text) {
    Future<Void> refused = echo.refusal(data);
    if (refused != null) {
      return refused;
    }
    expectText = text;
    Future<Void> result = echo.begin(data);
    // One message in one frame, since the frame limit fits it. A server that splits or merges messages shows up as a
    // wrong echo.
    if (text) {
      ws.writeTextMessage(data.toString(StandardCharsets.UTF_8));
    } else {
      ws.writeBinaryMessage(data);
    }
    return result;
  }

  @Override
  public Future<Void> close() {
    return ws.close().eventually(client::close);
  }

  private void onFrame(WebSocketFrame frame) {
    if (frame.type() == WebSocketFrameType.PING || frame.type() == WebSocketFrameType.PONG || frame.isClose()) {
      // Control frames carry no echo; Vert.x answers pings and the close handler reports a close.
      return;
    }
    Buffer chunk = frame.binaryData();
    if (!echo.outstanding()) {
      echo.fail(EchoException.unexpected(chunk.length()));
      return;
    }
    if (!frame.isContinuation()) {
      // The first frame of a message carries its type; continuations carry none.
      if (frame.isText() != expectText) {
        echo.fail(EchoException.frameType(expectText ? "text" : "binary", frame.isText() ? "text" : "binary"));
        return;
      }
    }
    if (!echo.verify(chunk)) {
      return;
    }
    if (frame.isFinal()) {
      if (echo.received() == echo.expectedLength()) {
        echo.succeed();
      } else {
        echo.fail(EchoException.shortMessage(echo.received(), echo.expectedLength()));
      }
    }
  }

  private void onClose() {
    if (echo.closed()) {
      echo.fail(EchoException.webSocketClosed(echo.received(), echo.expectedLength(), ws.closeStatusCode(),
          ws.closeReason()));
    }
  }
}
