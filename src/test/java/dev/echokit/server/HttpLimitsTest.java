package dev.echokit.server;

import dev.echokit.config.HttpOptions;
import dev.echokit.config.LimitOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class HttpLimitsTest {

  static final LimitOptions NO_TIME_LIMITS = LimitOptions.defaults().withIdleTimeout(0);

  /** The server under test, kept once started for the assertions on its counters. */
  private EchoServerVerticle server;
  /** Kept in fields: Vert.x closes a client that is garbage-collected. */
  private WebSocketClient webSocketClient;
  private final List<HttpClientAgent> httpClients = new ArrayList<>();

  @Test
  @DisplayName("idleTimeout closes a silent WebSocket with 1001 and a reason naming the limit, and counts it")
  void idleWebSocketCloses1001(Vertx vertx, VertxTestContext ctx) {
    connectUnder(vertx, LimitOptions.defaults().withIdleTimeout(300))
        .compose(HttpLimitsTest::closed)
        .onComplete(ctx.succeeding(ws -> ctx.verify(() -> {
          assertThat(ws.closeStatusCode()).isEqualTo(WebSocketEcho.GOING_AWAY);
          assertThat(ws.closeReason()).isEqualTo("sent nothing for 300 ms (idleTimeout)");
          assertThat(server.rejections()).containsEntry(LimitOptions.IDLE_TIMEOUT, 1L);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("idleTimeout leaves alone a WebSocket whose client keeps sending, for longer than the timeout in all")
  void activeWebSocketIsKept(Vertx vertx, VertxTestContext ctx) {
    connectUnder(vertx, LimitOptions.defaults().withIdleTimeout(1000))
        .compose(ws -> {
          // 30 echoes 100 ms apart: three seconds, three times the timeout, never more than a tenth of it silent
          // (a wide margin: a test thread that stalls on a loaded machine must not look idle).
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < 30; i++) {
            String text = "tick " + i;
            chain = chain.compose(v -> {
              Future<WebSocketEchoTest.Message> echo = WebSocketEchoTest.nextMessage(ws);
              ws.writeTextMessage(text);
              return echo;
            }).compose(m -> {
              ctx.verify(() -> assertThat(m.bytes().toString(StandardCharsets.UTF_8)).isEqualTo(text));
              Promise<Void> pause = Promise.promise();
              vertx.setTimer(100, t -> pause.complete());
              return pause.future();
            });
          }
          return chain;
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(server.rejections()).containsEntry(LimitOptions.IDLE_TIMEOUT, 0L);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("idleTimeout closes a kept-alive HTTP connection that sends nothing more, and counts it")
  void idleHttpConnectionIsClosed(Vertx vertx, VertxTestContext ctx) {
    startUnder(vertx, LimitOptions.defaults().withIdleTimeout(300))
        .compose(s -> {
          return vertx.executeBlocking(() -> {
            try (Socket socket = new Socket("127.0.0.1", s.actualPort())) {
              socket.setSoTimeout(10_000);
              socket.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\n"
                  + "hello").getBytes(StandardCharsets.US_ASCII));
              return readUntilClosed(socket.getInputStream());
            }
          });
        })
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello");
          assertThat(server.rejections()).containsEntry(LimitOptions.IDLE_TIMEOUT, 1L);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("maxConnectionDuration closes a WebSocket with 1001 once it has been open that long")
  void maxConnectionDurationCloses1001(Vertx vertx, VertxTestContext ctx) {
    connectUnder(vertx, NO_TIME_LIMITS.withMaxConnectionDuration(300))
        .compose(HttpLimitsTest::closed)
        .onComplete(ctx.succeeding(ws -> ctx.verify(() -> {
          assertThat(ws.closeStatusCode()).isEqualTo(WebSocketEcho.GOING_AWAY);
          assertThat(ws.closeReason()).isEqualTo("open for 300 ms (maxConnectionDuration)");
          assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTION_DURATION, 1L)
              .containsEntry(LimitOptions.IDLE_TIMEOUT, 0L);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("maxConnectionBytes echoes a WebSocket's messages up to the limit, then closes it with 1008 naming the "
      + "limit, and counts it")
  void maxConnectionBytesCloses1008(Vertx vertx, VertxTestContext ctx) {
    String underTheLimit = "a".repeat(60);
    connectUnder(vertx, NO_TIME_LIMITS.withMaxConnectionBytes(100))
        .compose(ws -> {
          Future<WebSocketEchoTest.Message> echo = WebSocketEchoTest.nextMessage(ws);
          ws.writeTextMessage(underTheLimit);
          return echo.compose(first -> {
            ctx.verify(() -> assertThat(first.bytes().toString(StandardCharsets.UTF_8)).isEqualTo(underTheLimit));
            Future<WebSocket> closed = closed(ws);
            // 120 bytes in all: over the limit.
            ws.writeTextMessage("b".repeat(60));
            return closed;
          });
        })
        .onComplete(ctx.succeeding(ws -> ctx.verify(() -> {
          assertThat(ws.closeStatusCode()).isEqualTo(WebSocketEcho.POLICY_VIOLATION);
          assertThat(ws.closeReason()).isEqualTo("sent more than 100 bytes (maxConnectionBytes)");
          assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTION_BYTES, 1L);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("maxConnectionBytes counts the request bodies of a kept-alive HTTP connection and closes it on the "
      + "body that crosses the limit")
  void maxConnectionBytesClosesHttpConnection(Vertx vertx, VertxTestContext ctx) {
    String body = "c".repeat(60);
    String request = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60\r\n\r\n" + body;
    startUnder(vertx, NO_TIME_LIMITS.withMaxConnectionBytes(100))
        .compose(s -> {
          return vertx.executeBlocking(() -> {
            try (Socket socket = new Socket("127.0.0.1", s.actualPort())) {
              socket.setSoTimeout(10_000);
              socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
              String first = readUntilEndsWith(socket.getInputStream(), body);
              // 120 body bytes in all: over the limit.
              socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
              return List.of(first, readUntilClosed(socket.getInputStream()));
            }
          });
        })
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          assertThat(responses.get(0)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n" + body);
          assertThat(responses.get(1)).as("what the second request got before the close").isEmpty();
          assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTION_BYTES, 1L);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("maxConnectionsPerIp counts HTTP connections per client address and leaves other addresses alone")
  void maxConnectionsPerIp(Vertx vertx, VertxTestContext ctx) {
    startUnder(vertx, NO_TIME_LIMITS.withMaxConnectionsPerIp(1))
        // Each client keeps its one connection open (keep-alive), so the second client is a second connection.
        .compose(s -> post(vertx, "127.0.0.1", "first"))
        .compose(first -> post(vertx, "127.0.0.1", "second").transform(second -> {
          ctx.verify(() -> {
            assertThat(first).isEqualTo("first");
            assertThat(second.succeeded()).as("a second connection from 127.0.0.1").isFalse();
          });
          return post(vertx, "127.0.0.2", "another address");
        }))
        .onComplete(ctx.succeeding(other -> ctx.verify(() -> {
          assertThat(other).isEqualTo("another address");
          assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTIONS_PER_IP, 1L);
          ctx.completeNow();
        })));
  }

  /** Starts an http listener under {@code limits}, kept in {@link #server}. */
  private Future<EchoServerVerticle> startUnder(Vertx vertx, LimitOptions limits) {
    return HttpTestServer.start(vertx, HttpOptions.DEFAULTS, null, limits).onSuccess(s -> server = s);
  }

  /** {@link #startUnder} and a WebSocket to its /ws. */
  private Future<WebSocket> connectUnder(Vertx vertx, LimitOptions limits) {
    return startUnder(vertx, limits).compose(s -> {
      webSocketClient = vertx.createWebSocketClient();
      return webSocketClient.connect(s.actualPort(), "127.0.0.1", "/ws");
    });
  }

  /** POSTs {@code text} to {@link #server}'s /echo from a new client bound to {@code fromAddress}; the echoed body. */
  private Future<String> post(Vertx vertx, String fromAddress, String text) {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(fromAddress));
    httpClients.add(client);
    return client.request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/echo")
        .compose(request -> request.send(text))
        .compose(response -> response.body())
        .map(body -> body.toString(StandardCharsets.UTF_8));
  }

  /** Completes with {@code ws} once the server has closed it. */
  static Future<WebSocket> closed(WebSocket ws) {
    Promise<WebSocket> done = Promise.promise();
    ws.closeHandler(v -> done.complete(ws));
    return done.future();
  }

  /** What the server sends until it ends with {@code end}, or everything it sends if it closes first. */
  static String readUntilEndsWith(InputStream in, String end) throws java.io.IOException {
    StringBuilder read = new StringBuilder();
    int b;
    while (!read.toString().endsWith(end) && (b = in.read()) >= 0) {
      read.append((char) b);
    }
    return read.toString();
  }

  /** Everything the server sends until it closes the connection. */
  static String readUntilClosed(InputStream in) throws java.io.IOException {
    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
  }
}
