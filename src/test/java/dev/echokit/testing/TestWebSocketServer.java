package dev.echokit.testing;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.KeyCertOptions;

import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket echo servers on 127.0.0.1 and a random port, built on Vert.x's HttpServer, for testing the client and the
 * load generator apart from EchoKit's own http listener: a faithful echo at {@link #PATH}, and echoes that go wrong in
 * one precise way.
 */
public final class TestWebSocketServer {

  /** Where EchoKit's http listener serves its WebSocket echo. */
  public static final String PATH = "/ws";
  /** Large enough for every message the tests send. */
  static final int MAX_FRAME = 4 << 20;

  /** Data frames every server here has received. */
  public final AtomicLong frames = new AtomicLong();
  private final Vertx vertx;
  private KeyCertOptions tls;

  public TestWebSocketServer(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Serves wss with this certificate. */
  public TestWebSocketServer withTls(KeyCertOptions keyCert) {
    this.tls = keyCert;
    return this;
  }

  /** Echoes every frame as it came, same type, same bytes. */
  public Future<HttpServer> echo() {
    return listen(ws -> ws.frameHandler(frame -> {
      // Data frames only: Vert.x itself answers pings and the closing handshake.
      if (frame.isText() || frame.isBinary() || frame.isContinuation()) {
        frames.incrementAndGet();
        ws.writeFrame(frame);
      }
    }));
  }

  /** Echoes every data message with the same bytes but the other type: text comes back binary and binary text. */
  public Future<HttpServer> swapType() {
    return listen(ws -> {
      ws.textMessageHandler(text -> {
        frames.incrementAndGet();
        ws.writeBinaryMessage(Buffer.buffer(text));
      });
      ws.binaryMessageHandler(data -> {
        frames.incrementAndGet();
        ws.writeFrame(WebSocketFrame.textFrame(data.toString(), true));
      });
    });
  }

  /** Echoes each message split in two frames, a first part and a continuation: still one message, still an echo. */
  public Future<HttpServer> fragmenting() {
    return listen(ws -> ws.binaryMessageHandler(data -> {
      frames.incrementAndGet();
      int half = data.length() / 2;
      ws.writeFrame(WebSocketFrame.binaryFrame(data.getBuffer(0, half), false));
      ws.writeFrame(WebSocketFrame.continuationFrame(data.getBuffer(half, data.length()), true));
    }));
  }

  /** Echoes binary messages with the byte at {@code offset} of each message flipped (bit 5). */
  public Future<HttpServer> corrupting(int offset) {
    return listen(ws -> ws.binaryMessageHandler(data -> {
      frames.incrementAndGet();
      Buffer copy = data.copy();
      if (offset < copy.length()) {
        copy.setByte(offset, (byte) (copy.getByte(offset) ^ 0x20));
      }
      ws.writeBinaryMessage(copy);
    }));
  }

  private Future<HttpServer> listen(Handler<ServerWebSocket> handler) {
    HttpServerOptions options = new HttpServerOptions().setMaxWebSocketFrameSize(MAX_FRAME)
        .setMaxWebSocketMessageSize(MAX_FRAME);
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(tls);
    }
    HttpServer server = vertx.createHttpServer(options);
    server.webSocketHandshakeHandler(h -> {
      if (PATH.equals(h.path())) {
        h.accept();
      } else {
        h.reject(404);
      }
    });
    server.webSocketHandler(handler);
    return server.listen(0, "127.0.0.1");
  }
}
