package dev.echokit.server;

import dev.echokit.config.HttpOptions;
import dev.echokit.config.MetricsOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
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
class HttpEchoTest {

  /** A small body limit, so that the 413 tests send little. */
  static final HttpOptions SMALL_BODIES = new HttpOptions("/ws", HttpOptions.DEFAULT_MAX_MESSAGE_SIZE,
      HttpOptions.DEFAULT_MAX_FRAME_SIZE, 1000);

  /** Kept in fields: Vert.x closes a client that is garbage-collected. */
  private HttpClient client;
  private WebSocketClient webSocketClient;

  /** A whole response: status, headers and body. */
  record Reply(int status, MultiMap headers, Buffer body) {
    String text() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("POST /echo answers 200 with the same bytes and the same Content-Type")
  void postEchoesBodyAndType(Vertx vertx, VertxTestContext ctx) {
    Buffer body = WebSocketEchoTest.allByteValues(64);
    String type = "application/x-echokit-test; charset=binary";
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> send(vertx, server, HttpMethod.POST, "/echo", type, body))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(200);
          assertThat(reply.headers.get("Content-Type")).isEqualTo(type);
          assertThat(reply.body.getBytes()).isEqualTo(body.getBytes());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("POST /echo without a Content-Type answers with application/octet-stream")
  void postWithoutTypeIsOctetStream(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> send(vertx, server, HttpMethod.POST, "/echo", null, Buffer.buffer("Hello, server!")))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(200);
          assertThat(reply.headers.get("Content-Type")).isEqualTo(BodyEcho.DEFAULT_CONTENT_TYPE);
          assertThat(reply.text()).isEqualTo("Hello, server!");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("POST /echo of exactly maxBodySize bytes is echoed")
  void bodyAtTheLimitIsEchoed(Vertx vertx, VertxTestContext ctx) {
    Buffer body = WebSocketEchoTest.allByteValues(4).slice(0, 1000);
    HttpTestServer.start(vertx, SMALL_BODIES)
        .compose(server -> send(vertx, server, HttpMethod.POST, "/echo", null, body))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(200);
          assertThat(reply.body.getBytes()).isEqualTo(body.getBytes());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("POST /echo with a Content-Length over maxBodySize gets 413 and a one-line reason")
  void declaredTooLargeIs413(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, SMALL_BODIES)
        .compose(server -> send(vertx, server, HttpMethod.POST, "/echo", null, Buffer.buffer(new byte[1001])))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(413);
          assertThat(reply.headers.get("Content-Type")).startsWith("text/plain");
          assertThat(reply.text()).isEqualTo("request body larger than 1000 bytes (http.maxBodySize)\n");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("POST /echo with a chunked body that grows over maxBodySize gets 413")
  void chunkedTooLargeIs413(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, SMALL_BODIES)
        .compose(server -> http(vertx).request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/echo"))
        .compose(request -> {
          request.setChunked(true);
          Future<Reply> reply = request.response().compose(HttpEchoTest::read);
          for (int i = 0; i < 3; i++) {
            request.write(Buffer.buffer(new byte[600]));
          }
          request.end();
          return reply;
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(413);
          assertThat(reply.text()).isEqualTo("request body larger than 1000 bytes (http.maxBodySize)\n");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("POST /echo with Expect: 100-continue gets 100 Continue, then the echo")
  void expectContinue(Vertx vertx, VertxTestContext ctx) {
    Buffer body = Buffer.buffer("sent after 100 Continue");
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> http(vertx).request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/echo"))
        .compose(request -> {
          Promise<Void> continued = Promise.promise();
          request.putHeader("Expect", "100-continue").putHeader("Content-Length", String.valueOf(body.length()))
              .continueHandler(v -> {
                continued.tryComplete();
                request.end(body);
              });
          request.sendHead();
          return request.response().compose(HttpEchoTest::read).compose(reply -> continued.future().map(reply));
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(200);
          assertThat(reply.body.getBytes()).isEqualTo(body.getBytes());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("GET /echo gets 405 with Allow: POST")
  void otherMethodOnEchoIs405(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> send(vertx, server, HttpMethod.GET, "/echo", null, null))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(405);
          assertThat(reply.headers.get("Allow")).isEqualTo("POST");
          assertThat(reply.text()).isEqualTo("GET not allowed on /echo: POST the body to echo\n");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an unknown path gets 404")
  void unknownPathIs404(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> send(vertx, server, HttpMethod.GET, "/index.php", null, null))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(404);
          assertThat(reply.text()).startsWith("not found:").endsWith("\n").hasLineCount(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a plain GET of the WebSocket path gets 426 Upgrade Required")
  void plainGetOfWebSocketPathIs426(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> send(vertx, server, HttpMethod.GET, "/ws", null, null))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(426);
          assertThat(reply.headers.get("Upgrade")).isEqualTo("websocket");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("GET / serves the page, with the configured WebSocket path and the elements the browser test uses")
  void pageIsServed(Vertx vertx, VertxTestContext ctx) {
    HttpOptions custom = new HttpOptions("/live\"echo", HttpOptions.DEFAULT_MAX_MESSAGE_SIZE,
        HttpOptions.DEFAULT_MAX_FRAME_SIZE, HttpOptions.DEFAULT_MAX_BODY_SIZE);
    HttpTestServer.start(vertx, custom)
        .compose(server -> send(vertx, server, HttpMethod.GET, "/", null, null))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(200);
          assertThat(reply.headers.get("Content-Type")).isEqualTo("text/html; charset=utf-8");
          assertThat(reply.text())
              .contains("<meta name=\"echokit-ws-path\" content=\"/live&quot;echo\">")
              .contains("id=\"message\"", "id=\"send\"", "id=\"log\"", "id=\"status\"", "id=\"chart\"")
              .contains("<script src=\"app.js\" defer></script>")
              .doesNotContain(WebAssets.WS_PATH_MARKER);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("GET /app.js serves the page's script as JavaScript")
  void scriptIsServed(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> send(vertx, server, HttpMethod.GET, "/app.js", null, null))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status).isEqualTo(200);
          assertThat(reply.headers.get("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
          assertThat(reply.text()).contains("new WebSocket(wsUrl)");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the listener's meters count connections opened and closed and every byte echoed, HTTP and WebSocket")
  void metersCountHttpAndWebSocket(Vertx vertx, VertxTestContext ctx) {
    Buffer body = WebSocketEchoTest.allByteValues(10);
    Buffer message = WebSocketEchoTest.allByteValues(3);
    HttpTestServer.start(vertx, TestOptions.anyPort().withMetrics(MetricsOptions.defaults().withPort(0)),
            HttpOptions.DEFAULTS, null)
        .compose(server -> send(vertx, server, HttpMethod.POST, "/echo", null, body)
            .compose(reply -> {
              webSocketClient = vertx.createWebSocketClient();
              return webSocketClient.connect(server.actualPort(), "127.0.0.1", "/ws");
            })
            .compose(ws -> {
              Future<WebSocketEchoTest.Message> echo = WebSocketEchoTest.nextMessage(ws);
              ws.writeBinaryMessage(message);
              return echo.compose(m -> ws.close()).compose(v -> client.close());
            })
            .compose(v -> WebSocketEchoTest.waitUntil(vertx, () -> server.openConnections() == 0))
            .compose(v -> vertx.executeBlocking(() -> {
              AdminClient admin = new AdminClient(server.adminPort());
              return new double[] {admin.sum("echokit_bytes_echoed_total", "protocol=\"http\""),
                  admin.sum("echokit_connections_opened_total", "protocol=\"http\""),
                  admin.sum("echokit_connections_active", "protocol=\"http\"")};
            })))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(v[0]).as("bytes echoed").isEqualTo(body.length() + message.length());
          assertThat(v[1]).as("connections opened").isEqualTo(2);
          assertThat(v[2]).as("connections active").isZero();
          ctx.completeNow();
        })));
  }

  private HttpClient http(Vertx vertx) {
    if (client == null) {
      client = vertx.createHttpClient(new HttpClientOptions());
    }
    return client;
  }

  /** Sends one request (a body when {@code body} is not null) and reads the whole response. */
  private Future<Reply> send(Vertx vertx, EchoServerVerticle server, HttpMethod method, String uri, String type,
                             Buffer body) {
    return http(vertx).request(new RequestOptions().setMethod(method).setPort(server.actualPort())
            .setHost("127.0.0.1").setURI(uri))
        .compose(request -> {
          if (type != null) {
            request.putHeader("Content-Type", type);
          }
          return body == null ? request.send() : request.send(body);
        })
        .compose(HttpEchoTest::read);
  }

  static Future<Reply> read(HttpClientResponse response) {
    return response.body().map(body -> new Reply(response.statusCode(), response.headers(), body));
  }
}
