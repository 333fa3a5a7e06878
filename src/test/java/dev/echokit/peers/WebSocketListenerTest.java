package dev.echokit.peers;

import dev.echokit.client.ClientVerticle;
import dev.echokit.config.ClientOptions;
import dev.echokit.config.HttpOptions;
import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.LoadOptions;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.PeerOptions;
import dev.echokit.config.PeerOptions.Transport;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.TlsOptions;
import dev.echokit.config.TlsOptions.ClientAuth;
import dev.echokit.loadgen.LoadGenerator;
import dev.echokit.server.EchoServerVerticle;
import dev.echokit.testing.TestCerts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** EchoKit's client and load generator with --ws (and --tls: wss) against EchoKit's own http listener. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WebSocketListenerTest {

  static final PeerOptions WS = PeerOptions.TCP.withTransport(Transport.WS);

  final TestCerts certs = TestCerts.get();
  final List<String> printed = new CopyOnWriteArrayList<>();

  /** An http listener on localhost with default limits; https and wss with the test CA's localhost certificate. */
  static Future<Integer> httpListener(Vertx vertx, TestCerts certs, boolean tls) {
    TlsOptions pem = tls ? new TlsOptions(certs.serverCert().toString(), certs.serverKey().toString(), null, null, false,
        ClientAuth.NONE, null) : null;
    EchoServerVerticle server = new EchoServerVerticle(ServerOptions.defaults().withPort(0)
        .withMetrics(MetricsOptions.OFF).withListeners(List.of(
            new ListenerOptions(Protocol.HTTP, "localhost", 0, 2, pem, null, HttpOptions.DEFAULTS))));
    return vertx.deployVerticle(server).map(id -> server.actualPort());
  }

  Future<Void> client(Vertx vertx, boolean tls, Function<ClientOptions, ClientOptions> tweak) {
    PeerOptions peer = tls ? WS.withTls(true, certs.ca().toString(), false) : WS;
    return httpListener(vertx, certs, tls).compose(port -> {
      ClientVerticle client = new ClientVerticle(tweak.apply(ClientOptions.defaults().withHost("localhost")
          .withPort(port).withPeer(peer)), printed::add);
      return vertx.deployVerticle(client).compose(id -> client.completion());
    });
  }

  @Test
  @DisplayName("client --ws: text messages come back as text from EchoKit's http listener, byte for byte")
  void clientText(Vertx vertx, VertxTestContext ctx) {
    client(vertx, false, o -> o.withMessages(List.of("Hello, server!", "ünïcødé ✓")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received Hello, server!", "Received ünïcødé ✓");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("client --ws --payload: 512 KiB, larger than Vert.x's default 64 KiB frame, comes back as one message")
  void clientBinary(Vertx vertx, VertxTestContext ctx) {
    client(vertx, false, o -> o.withPayloadBytes(512 << 10))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).singleElement().asString().startsWith("Received 524288 bytes, all verified");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("client --ws --tls --trust CA: wss with the certificate and host name verified")
  void clientSecure(Vertx vertx, VertxTestContext ctx) {
    client(vertx, true, o -> o.withMessages(List.of("over wss")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received over wss");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("client --ws --payload above the listener's 1 MiB message limit: one line with close status 1009")
  void clientTooBig(Vertx vertx, VertxTestContext ctx) {
    int size = HttpOptions.DEFAULT_MAX_MESSAGE_SIZE + 1;
    client(vertx, false, o -> o.withPayloadBytes(size))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).hasMessageStartingWith("the server closed the WebSocket early (status 1009 ")
              .hasMessageEndingWith(": the message is larger than the server accepts): 0 of " + size
                  + " bytes came back");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("bench --ws: pipelined 8 deep, sizes 1 B to 100 KiB, every message verified with no errors")
  void loadPipelined(Vertx vertx, VertxTestContext ctx) {
    httpListener(vertx, certs, false)
        .compose(port -> new LoadGenerator(vertx, LoadOptions.defaults().withHost("localhost").withPort(port)
            .withPeer(WS).withConnections(4).withInstances(2).withWarmupSeconds(0).withDepth(8)
            .withSize(1, 100_000).withMessages(800)).run())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(800);
          assertThat(r.openConnections()).isEqualTo(4);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("bench --ws --tls --trust CA: request/response over wss, bytes = messages × size")
  void loadSecure(Vertx vertx, VertxTestContext ctx) {
    httpListener(vertx, certs, true)
        .compose(port -> new LoadGenerator(vertx, LoadOptions.defaults().withHost("localhost").withPort(port)
            .withPeer(WS.withTls(true, certs.ca().toString(), false)).withConnections(4).withInstances(2)
            .withWarmupSeconds(0).withSize(64, 64).withMessages(1000)).run())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(1000);
          assertThat(r.bytes()).isEqualTo(64_000);
          ctx.completeNow();
        })));
  }
}
