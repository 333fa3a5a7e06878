package dev.echokit.client;

import dev.echokit.config.ClientOptions;
import dev.echokit.config.PeerOptions;
import dev.echokit.config.PeerOptions.Transport;
import dev.echokit.testing.TestWebSocketServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** EchoKit's client with --ws against a test WebSocket echo built on Vert.x's HttpServer (not EchoKit's listener). */
@ExtendWith(VertxExtension.class)
class WebSocketClientTest {

  static final PeerOptions WS = PeerOptions.TCP.withTransport(Transport.WS);

  final List<String> printed = new CopyOnWriteArrayList<>();

  Future<Void> run(Vertx vertx, Future<HttpServer> server, Function<ClientOptions, ClientOptions> tweak) {
    return server.compose(s -> {
      ClientVerticle client = new ClientVerticle(tweak.apply(ClientOptions.defaults().withHost("127.0.0.1")
          .withPort(s.actualPort()).withPeer(WS).withTimeoutMillis(5000)), printed::add);
      return vertx.deployVerticle(client).compose(id -> client.completion());
    });
  }

  @Test
  @DisplayName("--ws: each message goes out as one text frame and comes back as text, byte for byte")
  void textMessages(Vertx vertx, VertxTestContext ctx) {
    TestWebSocketServer server = new TestWebSocketServer(vertx);
    run(vertx, server.echo(), o -> o.withMessages(List.of("Hello, server!", "ünïcødé ✓", "")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received Hello, server!", "Received ünïcødé ✓", "Received ");
          assertThat(server.frames.get()).isEqualTo(3);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--ws --payload: 1 MiB of random bytes goes out as one binary frame and comes back verified")
  void binaryPayload(Vertx vertx, VertxTestContext ctx) {
    TestWebSocketServer server = new TestWebSocketServer(vertx);
    run(vertx, server.echo(), o -> o.withPayloadBytes(1 << 20))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).singleElement().asString().startsWith("Received 1048576 bytes, all verified");
          assertThat(server.frames.get()).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an echo split over a frame and a continuation is still one message: verified")
  void fragmentedEcho(Vertx vertx, VertxTestContext ctx) {
    run(vertx, new TestWebSocketServer(vertx).fragmenting(), o -> o.withPayloadBytes(1000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).singleElement().asString().startsWith("Received 1000 bytes, all verified");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a text message echoed as binary fails: the frame type must come back the same")
  void typeChanged(Vertx vertx, VertxTestContext ctx) {
    run(vertx, new TestWebSocketServer(vertx).swapType(), o -> o)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(EchoException.class)
              .hasMessage("echo mismatch: a text message came back as a binary message");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a binary echo with one byte changed fails with the offset of that byte")
  void byteChanged(Vertx vertx, VertxTestContext ctx) {
    run(vertx, new TestWebSocketServer(vertx).corrupting(700), o -> o.withPayloadBytes(1000))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(EchoException.class).hasMessageStartingWith("echo mismatch at byte offset 700: ");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a path the server does not serve: one line with the HTTP status and --ws-path")
  void wrongPath(Vertx vertx, VertxTestContext ctx) {
    int[] port = new int[1];
    run(vertx, new TestWebSocketServer(vertx).echo().onSuccess(s -> port[0] = s.actualPort()),
        o -> o.withPeer(WS.withWebSocketPath("/nope")))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(EchoException.class).hasMessage("cannot connect to ws://127.0.0.1:" + port[0]
              + "/nope: the server answered HTTP 404 to the WebSocket upgrade — check --ws-path (EchoKit's http "
              + "listener serves /ws)");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--ws to a plain TCP echo port: one line saying the server did not answer in HTTP")
  void plainTcpPort(Vertx vertx, VertxTestContext ctx) {
    int[] port = new int[1];
    vertx.createNetServer().connectHandler(s -> s.handler(s::write)).listen(0, "127.0.0.1")
        .compose(tcp -> {
          port[0] = tcp.actualPort();
          ClientVerticle client = new ClientVerticle(ClientOptions.defaults().withHost("127.0.0.1")
              .withPort(port[0]).withPeer(WS), printed::add);
          return vertx.deployVerticle(client).compose(id -> client.completion());
        })
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(EchoException.class).hasMessage("cannot connect to ws://127.0.0.1:" + port[0]
              + "/ws: the server did not answer in HTTP (a plain TCP echo sends the upgrade request back) — drop --ws, "
              + "or use the port of an http listener");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--ws --tls --insecure: wss to a self-signed server echoes text and binary")
  void secureWebSocket(Vertx vertx, VertxTestContext ctx) {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    TestWebSocketServer server = new TestWebSocketServer(vertx).withTls(cert.keyCertOptions());
    run(vertx, server.echo(), o -> o.withPeer(WS.withTls(true, null, true)).withMessages(List.of("secret")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received secret");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--ws --tls without --trust or --insecure: the untrusted-certificate line, as over TCP")
  void secureWebSocketUntrusted(Vertx vertx, VertxTestContext ctx) {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    int[] port = new int[1];
    run(vertx, new TestWebSocketServer(vertx).withTls(cert.keyCertOptions()).echo().onSuccess(s -> port[0] = s.actualPort()),
        o -> o.withPeer(WS.withTls(true, null, false)))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(EchoException.class).hasMessage("cannot connect to 127.0.0.1:" + port[0]
              + ": the server's certificate is not trusted (self-signed, or from a CA this JVM does not know) — pass "
              + "--trust FILE with the server's certificate or its CA (PEM), or --insecure to skip the check");
          ctx.completeNow();
        })));
  }
}
