package dev.echokit.server;

import dev.echokit.config.HttpOptions;
import dev.echokit.config.LimitOptions;
import dev.echokit.config.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WebSocketEchoTest {

  /** Text that takes one, two, three and four bytes per character in UTF-8. */
  static final String MIXED_TEXT = "Hello, server! Grüße, Привет, こんにちは, 🦊🎉";

  /** Kept in a field: Vert.x closes a client that is garbage-collected, and its WebSockets with it. */
  private WebSocketClient client;

  @Test
  @DisplayName("a text message comes back as one text frame with the same UTF-8 bytes")
  void textStaysText(Vertx vertx, VertxTestContext ctx) {
    byte[] sent = MIXED_TEXT.getBytes(StandardCharsets.UTF_8);
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Future<Message> echo = nextMessage(ws);
          ws.writeTextMessage(MIXED_TEXT);
          return echo;
        })
        .onComplete(ctx.succeeding(echo -> ctx.verify(() -> {
          assertThat(echo.type).isEqualTo(WebSocketFrameType.TEXT);
          assertThat(echo.bytes.getBytes()).isEqualTo(sent);
          assertThat(echo.frames).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a binary message comes back as one binary frame with the same bytes, all 256 values")
  void binaryStaysBinary(Vertx vertx, VertxTestContext ctx) {
    Buffer sent = allByteValues(4);
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Future<Message> echo = nextMessage(ws);
          ws.writeBinaryMessage(sent);
          return echo;
        })
        .onComplete(ctx.succeeding(echo -> ctx.verify(() -> {
          assertThat(echo.type).isEqualTo(WebSocketFrameType.BINARY);
          assertThat(echo.bytes.getBytes()).isEqualTo(sent.getBytes());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a text message sent in three fragments comes back as one message, in one frame")
  void fragmentsAreJoined(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Future<Message> echo = nextMessage(ws);
          ws.writeFrame(WebSocketFrame.textFrame("Hel", false));
          ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("lo, "), false));
          ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("server!"), true));
          return echo;
        })
        .onComplete(ctx.succeeding(echo -> ctx.verify(() -> {
          assertThat(echo.type).isEqualTo(WebSocketFrameType.TEXT);
          assertThat(echo.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("Hello, server!");
          assertThat(echo.frames).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a binary message whose fragments split the bytes anywhere comes back whole and binary")
  void binaryFragmentsAreJoined(Vertx vertx, VertxTestContext ctx) {
    Buffer sent = allByteValues(1);
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Future<Message> echo = nextMessage(ws);
          ws.writeFrame(WebSocketFrame.binaryFrame(sent.slice(0, 1), false));
          ws.writeFrame(WebSocketFrame.continuationFrame(sent.slice(1, 1), false));
          ws.writeFrame(WebSocketFrame.continuationFrame(sent.slice(1, 200), false));
          ws.writeFrame(WebSocketFrame.continuationFrame(sent.slice(200, 256), true));
          return echo;
        })
        .onComplete(ctx.succeeding(echo -> ctx.verify(() -> {
          assertThat(echo.type).isEqualTo(WebSocketFrameType.BINARY);
          assertThat(echo.bytes.getBytes()).isEqualTo(sent.getBytes());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a message over maxMessageSize, in fragments each under the frame limit, is closed with 1009")
  void tooLargeMessageCloses1009(Vertx vertx, VertxTestContext ctx) {
    HttpOptions small = new HttpOptions("/ws", 1000, 500, HttpOptions.DEFAULT_MAX_BODY_SIZE);
    HttpTestServer.start(vertx, small)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Future<Short> closed = closeCode(ws);
          ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[400]), false));
          ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[400]), false));
          ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[400]), true));
          return closed;
        })
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertThat(code).isEqualTo(WebSocketEcho.MESSAGE_TOO_BIG);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a message of exactly maxMessageSize bytes is still echoed")
  void messageAtTheLimitIsEchoed(Vertx vertx, VertxTestContext ctx) {
    HttpOptions small = new HttpOptions("/ws", 1000, 500, HttpOptions.DEFAULT_MAX_BODY_SIZE);
    Buffer sent = allByteValues(4).slice(0, 1000);
    HttpTestServer.start(vertx, small)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Future<Message> echo = nextMessage(ws);
          ws.writeFrame(WebSocketFrame.binaryFrame(sent.slice(0, 500), false));
          ws.writeFrame(WebSocketFrame.continuationFrame(sent.slice(500, 1000), true));
          return echo;
        })
        .onComplete(ctx.succeeding(echo -> ctx.verify(() -> {
          assertThat(echo.bytes.getBytes()).isEqualTo(sent.getBytes());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a single frame over maxFrameSize is closed with 1009")
  void tooLargeFrameCloses1009(Vertx vertx, VertxTestContext ctx) {
    HttpOptions small = new HttpOptions("/ws", 1000, 200, HttpOptions.DEFAULT_MAX_BODY_SIZE);
    HttpTestServer.start(vertx, small)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Future<Short> closed = closeCode(ws);
          ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[300]), true));
          return closed;
        })
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertThat(code).isEqualTo(WebSocketEcho.MESSAGE_TOO_BIG);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a text frame that is not valid UTF-8 is closed with 1007")
  void invalidUtf8Closes1007(Vertx vertx, VertxTestContext ctx) {
    // A library client cannot send invalid UTF-8 as text: a bare socket can. 0xC3 0x28 is a cut two-byte sequence.
    byte[] invalid = {(byte) 0xC3, (byte) 0x28};
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> vertx.executeBlocking(() -> {
          try (RawWebSocket ws = new RawWebSocket(server.actualPort(), "/ws")) {
            ws.writeFully(java.nio.ByteBuffer.wrap(RawWebSocket.frame(RawWebSocket.TEXT, invalid)));
            return ws.readFrame();
          }
        }))
        .onComplete(ctx.succeeding(frame -> ctx.verify(() -> {
          assertThat(frame.opcode()).isEqualTo(RawWebSocket.CLOSE);
          assertThat(frame.closeCode()).isEqualTo(1007);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a ping is answered with a pong carrying the same bytes")
  void pingGetsPong(Vertx vertx, VertxTestContext ctx) {
    Buffer payload = Buffer.buffer("are you there?");
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Promise<Buffer> pong = Promise.promise();
          ws.pongHandler(pong::tryComplete);
          ws.writePing(payload);
          return pong.future();
        })
        .onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
          assertThat(pong.getBytes()).isEqualTo(payload.getBytes());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a client's close frame is answered with a close frame of the same code and reason")
  void closeCodeIsEchoed(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> connect(vertx, server, false))
        .compose(ws -> {
          Promise<WebSocket> closed = Promise.promise();
          ws.closeHandler(v -> closed.complete(ws));
          ws.close((short) 4321, "bye now");
          return closed.future();
        })
        .onComplete(ctx.succeeding(ws -> ctx.verify(() -> {
          assertThat(ws.closeStatusCode()).isEqualTo((short) 4321);
          assertThat(ws.closeReason()).isEqualTo("bye now");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an upgrade on a path other than webSocketPath gets 404")
  void upgradeElsewhereIs404(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> client(vertx, false).connect(server.actualPort(), "127.0.0.1", "/echo"))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(UpgradeRejectedException.class);
          assertThat(((UpgradeRejectedException) err).getStatus()).isEqualTo(404);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the WebSocket path configured in http.webSocketPath is the one that echoes")
  void configuredPath(Vertx vertx, VertxTestContext ctx) {
    HttpOptions custom = new HttpOptions("/echo/ws", HttpOptions.DEFAULT_MAX_MESSAGE_SIZE,
        HttpOptions.DEFAULT_MAX_FRAME_SIZE, HttpOptions.DEFAULT_MAX_BODY_SIZE);
    HttpTestServer.start(vertx, custom)
        .compose(server -> client(vertx, false).connect(server.actualPort(), "127.0.0.1", "/echo/ws"))
        .compose(ws -> {
          Future<Message> echo = nextMessage(ws);
          ws.writeTextMessage("on a custom path");
          return echo;
        })
        .onComplete(ctx.succeeding(echo -> ctx.verify(() -> {
          assertThat(echo.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("on a custom path");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("wss on a listener with a self-signed certificate echoes text as text")
  void wssWithSelfSignedCertificate(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS, TlsOptions.SELF_SIGNED_DEV, LimitOptions.defaults())
        .compose(server -> connect(vertx, server, true))
        .compose(ws -> {
          assertThat(ws.isSsl()).isTrue();
          Future<Message> echo = nextMessage(ws);
          ws.writeTextMessage(MIXED_TEXT);
          return echo;
        })
        .onComplete(ctx.succeeding(echo -> ctx.verify(() -> {
          assertThat(echo.type).isEqualTo(WebSocketFrameType.TEXT);
          assertThat(echo.bytes.getBytes()).isEqualTo(MIXED_TEXT.getBytes(StandardCharsets.UTF_8));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("maxConnections counts WebSockets: the one beyond is refused, and a closed one frees its slot")
  void webSocketsCountAgainstMaxConnections(Vertx vertx, VertxTestContext ctx) {
    LimitOptions one = LimitOptions.defaults().withMaxConnections(1);
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS, null, one)
        .compose(server -> connect(vertx, server, false)
            .compose(first -> client(vertx, false).connect(server.actualPort(), "127.0.0.1", "/ws")
                .transform(second -> {
                  ctx.verify(() -> {
                    assertThat(second.succeeded()).as("second WebSocket while the first is open").isFalse();
                    assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTIONS, 1L);
                  });
                  return first.close();
                }))
            .compose(v -> waitUntil(vertx, () -> server.openConnections() == 0))
            .compose(v -> connect(vertx, server, false)))
        .compose(ws -> {
          Future<Message> echo = nextMessage(ws);
          ws.writeTextMessage("a freed slot");
          return echo;
        })
        .onComplete(ctx.succeeding(echo -> ctx.verify(() -> {
          assertThat(echo.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("a freed slot");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("stopping the server closes open WebSockets with 1001 (going away)")
  void shutdownCloses1001(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle[] started = new EchoServerVerticle[1];
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> {
          started[0] = server;
          return connect(vertx, server, false);
        })
        .compose(ws -> {
          Future<Short> closed = closeCode(ws);
          return vertx.undeploy(started[0].deploymentID()).compose(v -> closed);
        })
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertThat(code).isEqualTo(WebSocketEcho.GOING_AWAY);
          ctx.completeNow();
        })));
  }

  /** One message as the client received it: the type of its first frame, its bytes and how many frames it took. */
  record Message(WebSocketFrameType type, Buffer bytes, int frames) {
  }

  private WebSocketClient client(Vertx vertx, boolean tls) {
    if (client == null) {
      WebSocketClientOptions options = new WebSocketClientOptions();
      if (tls) {
        // The listener's certificate is generated at start-up: trust it without checking.
        options.setSsl(true).setTrustAll(true).setVerifyHost(false);
      }
      client = vertx.createWebSocketClient(options);
    }
    return client;
  }

  private Future<WebSocket> connect(Vertx vertx, EchoServerVerticle server, boolean tls) {
    return client(vertx, tls).connect(new WebSocketConnectOptions()
        .setPort(server.actualPort()).setHost("127.0.0.1").setURI("/ws").setSsl(tls));
  }

  /** The next whole message on {@code ws}, frame by frame, so that its frame type and framing can be checked. */
  static Future<Message> nextMessage(WebSocket ws) {
    Promise<Message> done = Promise.promise();
    Buffer bytes = Buffer.buffer();
    WebSocketFrameType[] type = new WebSocketFrameType[1];
    int[] frames = {0};
    ws.frameHandler(frame -> {
      if (frame.type() != WebSocketFrameType.TEXT && frame.type() != WebSocketFrameType.BINARY
          && frame.type() != WebSocketFrameType.CONTINUATION) {
        return;
      }
      if (type[0] == null) {
        type[0] = frame.type();
      }
      frames[0]++;
      bytes.appendBuffer(frame.binaryData());
      if (frame.isFinal()) {
        done.tryComplete(new Message(type[0], bytes, frames[0]));
      }
    });
    ws.closeHandler(v -> done.tryFail("closed with " + ws.closeStatusCode() + " before a whole message came"));
    return done.future();
  }

  /** The close code the server sent, once the WebSocket has closed. */
  static Future<Short> closeCode(WebSocket ws) {
    Promise<Short> closed = Promise.promise();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    return closed.future();
  }

  /** Every byte value, {@code times} times over. */
  static Buffer allByteValues(int times) {
    Buffer b = Buffer.buffer(256 * times);
    for (int i = 0; i < 256 * times; i++) {
      b.appendByte((byte) i);
    }
    return b;
  }

  /** Completes once {@code condition} holds, checking every 20 ms for at most 10 s. */
  static Future<Void> waitUntil(Vertx vertx, java.util.function.BooleanSupplier condition) {
    Promise<Void> done = Promise.promise();
    long[] checks = {0};
    vertx.setPeriodic(20, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (++checks[0] >= 500) {
        vertx.cancelTimer(id);
        done.tryFail("condition not met within 500 checks");
      }
    });
    return done.future();
  }
}
