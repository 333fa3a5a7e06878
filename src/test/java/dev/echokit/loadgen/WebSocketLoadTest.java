package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import dev.echokit.config.PeerOptions;
import dev.echokit.config.PeerOptions.Transport;
import dev.echokit.testing.TestWebSocketServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator with --ws against a test WebSocket echo built on Vert.x's HttpServer. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WebSocketLoadTest {

  static final PeerOptions WS = PeerOptions.TCP.withTransport(Transport.WS);

  static Future<LoadReport> runAgainst(Vertx vertx, Future<HttpServer> server, Function<LoadOptions, LoadOptions> tweak) {
    return server.compose(s -> new LoadGenerator(vertx, tweak.apply(LoadOptions.defaults().withHost("127.0.0.1")
        .withPort(s.actualPort()).withConnections(4).withInstances(2).withWarmupSeconds(0).withPeer(WS)
        .withSize(64, 64).withMessages(1000))).run());
  }

  @Test
  @DisplayName("--ws request/response: every message comes back as one binary message, verified; bytes = messages × size")
  void requestResponse(Vertx vertx, VertxTestContext ctx) {
    TestWebSocketServer server = new TestWebSocketServer(vertx);
    runAgainst(vertx, server.echo(), o -> o.withSize(100, 100).withMessages(2000))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(2000);
          assertThat(r.bytes()).isEqualTo(2000L * 100);
          assertThat(r.latencyNanos().getTotalCount()).isEqualTo(2000);
          assertThat(server.frames.get()).isEqualTo(2000);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--ws pipelined 16 deep with random sizes up to 100 KiB: every message verified, in order")
  void pipelined(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestWebSocketServer(vertx).echo(), o -> o.withDepth(16).withSize(1, 100_000).withMessages(800))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(800);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("echoes split in two frames are reassembled: still verified without errors")
  void fragmented(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestWebSocketServer(vertx).fragmenting(), o -> o.withDepth(4).withSize(2, 5000))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(1000);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--ws --tls --insecure: wss to a self-signed server, every message verified")
  void secure(Vertx vertx, VertxTestContext ctx) {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    runAgainst(vertx, new TestWebSocketServer(vertx).withTls(cert.keyCertOptions()).echo(),
        o -> o.withPeer(WS.withTls(true, null, true)).withDepth(4))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(1000);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a binary message echoed as text is a mismatch on every connection")
  void typeChanged(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestWebSocketServer(vertx).swapType(), o -> o)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.errors(ErrorKind.MISMATCH)).isEqualTo(4);
          assertThat(r.errorSamples()).allMatch(s -> s.endsWith(": a binary message came back as a text message"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a changed byte is a mismatch that names the byte, sent and received")
  void byteChanged(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestWebSocketServer(vertx).corrupting(36), o -> o)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.errors(ErrorKind.MISMATCH)).isEqualTo(4);
          assertThat(r.errorSamples().get(0))
              .matches("connection \\d: byte 36 of a 64-byte message differs: sent 0x[0-9a-f]{2}, received 0x[0-9a-f]{2}");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a path the server refuses: one connect failure per connection, with the HTTP status")
  void wrongPath(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestWebSocketServer(vertx).echo(), o -> o.withPeer(WS.withWebSocketPath("/nope")))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.errors(ErrorKind.CONNECT)).isEqualTo(4);
          assertThat(r.errorSamples().get(0)).endsWith(": the server answered HTTP 404 to the WebSocket upgrade — check "
              + "--ws-path (EchoKit's http listener serves /ws)");
          ctx.completeNow();
        })));
  }
}
