package dev.echokit.loadgen;

import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.LoadOptions;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.PeerOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.TlsOptions;
import dev.echokit.config.TlsOptions.ClientAuth;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator over TLS against EchoKit's tls listener: its zero-copy reads (RawSocket, Netty buffers) sit behind
 * the SslHandler, so they must see decrypted bytes, whatever the TLS record boundaries.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class TlsLoadTest {

  final TestCerts certs = TestCerts.get();

  Future<Integer> tlsServer(Vertx vertx, ClientAuth auth) {
    TlsOptions tls = new TlsOptions(certs.serverCert().toString(), certs.serverKey().toString(), null, null, false,
        auth, auth == ClientAuth.NONE ? null : certs.ca().toString());
    EchoServerVerticle server = new EchoServerVerticle(ServerOptions.defaults().withPort(0)
        .withMetrics(MetricsOptions.OFF).withListeners(List.of(
            new ListenerOptions(Protocol.TLS, "localhost", 0, 1, tls, null, null))));
    return vertx.deployVerticle(server).map(id -> server.actualPort());
  }

  LoadOptions options(int port, PeerOptions peer) {
    return LoadOptions.defaults().withHost("localhost").withPort(port).withConnections(4).withInstances(2)
        .withWarmupSeconds(0).withPeer(peer);
  }

  PeerOptions trustingCa() {
    return PeerOptions.TCP.withTls(true, certs.ca().toString(), false);
  }

  @Test
  @DisplayName("--tls --trust: request/response, every message verified, bytes = messages × size")
  void requestResponse(Vertx vertx, VertxTestContext ctx) {
    tlsServer(vertx, ClientAuth.NONE)
        .compose(port -> new LoadGenerator(vertx, options(port, trustingCa()).withSize(100, 100).withMessages(2000)).run())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(2000);
          assertThat(r.bytes()).isEqualTo(2000L * 100);
          assertThat(r.openConnections()).isEqualTo(4);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--tls --insecure, random sizes up to 40 KiB pipelined 8 deep: echoes span TLS records and all verify")
  void pipelinedAcrossRecords(Vertx vertx, VertxTestContext ctx) {
    tlsServer(vertx, ClientAuth.NONE)
        .compose(port -> new LoadGenerator(vertx, options(port, PeerOptions.TCP.withTls(true, null, true))
            .withSize(1, 40_000).withDepth(8).withMessages(1000)).run())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(1000);
          assertThat(r.bytes()).isBetween(1000L, 1000L * 40_000);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("clientAuth required, --cert and --key from the trusted CA: the load runs without errors")
  void mtls(Vertx vertx, VertxTestContext ctx) {
    PeerOptions withCert = trustingCa().withClientCertificate(certs.clientCert().toString(), certs.clientKey().toString());
    tlsServer(vertx, ClientAuth.REQUIRED)
        .compose(port -> new LoadGenerator(vertx, options(port, withCert).withSize(64, 64).withMessages(400)).run())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).as(String.valueOf(r.errorSamples())).isZero();
          assertThat(r.messages()).isEqualTo(400);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an untrusted certificate: one connect failure per connection, with the client's one-line reason")
  void untrusted(Vertx vertx, VertxTestContext ctx) {
    tlsServer(vertx, ClientAuth.NONE)
        .compose(port -> new LoadGenerator(vertx, options(port, PeerOptions.TCP.withTls(true, null, false))
            .withMessages(100)).run())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.errors(ErrorKind.CONNECT)).isEqualTo(4);
          assertThat(r.errorSamples().get(0)).matches("connection \\d: cannot connect to localhost:\\d+: the server's "
              + "certificate is not trusted \\(self-signed, or from a CA this JVM does not know\\) — pass --trust FILE "
              + "with the server's certificate or its CA \\(PEM\\), or --insecure to skip the check");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("clientAuth required without --cert: each connection fails with 'requires a client certificate'")
  void mtlsWithoutCertificate(Vertx vertx, VertxTestContext ctx) {
    tlsServer(vertx, ClientAuth.REQUIRED)
        .compose(port -> new LoadGenerator(vertx, options(port, trustingCa()).withMessages(100)).run())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.totalErrors()).isEqualTo(4);
          assertThat(r.errorSamples()).allMatch(s -> s.endsWith("the server requires a client certificate (mTLS) — pass "
              + "--cert FILE --key FILE with one signed by a CA it trusts"), String.valueOf(r.errorSamples()));
          ctx.completeNow();
        })));
  }
}
