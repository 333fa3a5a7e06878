package dev.echokit.client;

import dev.echokit.config.ClientOptions;
import dev.echokit.config.ConfigException;
import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.PeerOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.TlsOptions;
import dev.echokit.config.TlsOptions.ClientAuth;
import dev.echokit.server.EchoServerVerticle;
import dev.echokit.testing.TestCerts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** EchoKit's client over TLS against EchoKit's tls listener: trust, host names, client certificates, wrong ports. */
@ExtendWith(VertxExtension.class)
class TlsClientTest {

  final TestCerts certs = TestCerts.get();
  final List<String> printed = new CopyOnWriteArrayList<>();

  /** A tls listener on localhost with {@code tls}, or a plain tcp one when {@code tls} is null. */
  static Future<Integer> server(Vertx vertx, TlsOptions tls) {
    ListenerOptions listener = tls == null ? ListenerOptions.tcp("localhost", 0, 1)
        : new ListenerOptions(Protocol.TLS, "localhost", 0, 1, tls, null, null);
    EchoServerVerticle server = new EchoServerVerticle(ServerOptions.defaults().withPort(0)
        .withMetrics(MetricsOptions.OFF).withListeners(List.of(listener)));
    return vertx.deployVerticle(server).map(id -> server.actualPort());
  }

  TlsOptions pem(String cert, String key, ClientAuth auth) {
    return new TlsOptions(cert, key, null, null, false, auth, auth == ClientAuth.NONE ? null : certs.ca().toString());
  }

  TlsOptions localhostPem() {
    return pem(certs.serverCert().toString(), certs.serverKey().toString(), ClientAuth.NONE);
  }

  TlsOptions requiringClientCertificates() {
    return pem(certs.serverCert().toString(), certs.serverKey().toString(), ClientAuth.REQUIRED);
  }

  PeerOptions trustingCa() {
    return PeerOptions.TCP.withTls(true, certs.ca().toString(), false);
  }

  Future<Void> client(Vertx vertx, int port, PeerOptions peer, List<String> messages) {
    ClientVerticle client = new ClientVerticle(ClientOptions.defaults().withHost("localhost").withPort(port)
        .withPeer(peer).withMessages(messages), printed::add);
    return vertx.deployVerticle(client).compose(id -> client.completion());
  }

  void expectFailure(Future<Integer> server, Vertx vertx, PeerOptions peer, VertxTestContext ctx, String message) {
    int[] port = new int[1];
    server.compose(p -> {
      port[0] = p;
      return client(vertx, p, peer, List.of("Hello, server!"));
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(EchoException.class).hasMessage(message.replace("PORT", String.valueOf(port[0])));
      assertThat(printed).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("--tls --insecure: a self-signed listener echoes every message, checked byte for byte")
  void selfSignedInsecure(Vertx vertx, VertxTestContext ctx) {
    server(vertx, TlsOptions.SELF_SIGNED_DEV)
        .compose(port -> client(vertx, port, PeerOptions.TCP.withTls(true, null, true),
            List.of("Hello, server!", "ünïcødé ✓", "x")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received Hello, server!", "Received ünïcødé ✓", "Received x");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--tls --trust CA: the certificate and the host name are verified, and 4 MiB come back verified")
  void pemTrusted(Vertx vertx, VertxTestContext ctx) {
    server(vertx, localhostPem())
        .compose(port -> {
          ClientVerticle client = new ClientVerticle(ClientOptions.defaults().withHost("localhost").withPort(port)
              .withPeer(trustingCa()).withPayloadBytes(4 << 20), printed::add);
          return vertx.deployVerticle(client).compose(id -> client.completion());
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).singleElement().asString().startsWith("Received 4194304 bytes, all verified");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a self-signed certificate without --trust or --insecure: one line saying to pass either")
  void untrusted(Vertx vertx, VertxTestContext ctx) {
    expectFailure(server(vertx, TlsOptions.SELF_SIGNED_DEV), vertx, PeerOptions.TCP.withTls(true, null, false), ctx,
        "cannot connect to localhost:PORT: the server's certificate is not trusted (self-signed, or from a CA this "
            + "JVM does not know) — pass --trust FILE with the server's certificate or its CA (PEM), or --insecure "
            + "to skip the check");
  }

  @Test
  @DisplayName("a trusted certificate for another host name: one line saying the host name does not match")
  void hostnameMismatch(Vertx vertx, VertxTestContext ctx) {
    expectFailure(server(vertx, pem(certs.otherHostCert().toString(), certs.otherHostKey().toString(), ClientAuth.NONE)),
        vertx, trustingCa(), ctx,
        "cannot connect to localhost:PORT: the server's certificate is not for \"localhost\" (host name mismatch) — "
            + "connect with a name the certificate lists, or pass --insecure to skip the check");
  }

  @Test
  @DisplayName("--insecure also skips the host name check: the other host's certificate is accepted")
  void insecureSkipsHostname(Vertx vertx, VertxTestContext ctx) {
    server(vertx, pem(certs.otherHostCert().toString(), certs.otherHostKey().toString(), ClientAuth.NONE))
        .compose(port -> client(vertx, port, PeerOptions.TCP.withTls(true, null, true), List.of("mismatched")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received mismatched");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--trust with a file that is not the server's CA: one line naming the trust file")
  void wrongTrust(Vertx vertx, VertxTestContext ctx) {
    PeerOptions wrong = PeerOptions.TCP.withTls(true, certs.strangerCert().toString(), false);
    expectFailure(server(vertx, localhostPem()), vertx, wrong, ctx,
        "cannot connect to localhost:PORT: the server's certificate does not chain to the certificates in --trust "
            + certs.strangerCert() + " — pass the server's own certificate or its CA, or --insecure to skip the check");
  }

  @Test
  @DisplayName("--tls to a plain TCP echo port: one line saying the server does not speak TLS")
  void tlsToPlainPort(Vertx vertx, VertxTestContext ctx) {
    expectFailure(server(vertx, null), vertx, PeerOptions.TCP.withTls(true, null, true), ctx,
        "cannot connect to localhost:PORT: the server does not speak TLS: it sent our TLS handshake back, as a plain "
            + "TCP echo does — drop --tls, or use the port of a tls listener");
  }

  @Test
  @DisplayName("plain TCP to a tls port: the listener hangs up, and the line suggests --tls")
  void plainToTlsPort(Vertx vertx, VertxTestContext ctx) {
    expectFailure(server(vertx, TlsOptions.SELF_SIGNED_DEV), vertx, PeerOptions.TCP, ctx,
        "the server closed the connection early: 0 of 14 bytes came back — if it is a TLS port, add --tls");
  }

  @Test
  @DisplayName("clientAuth required, --cert and --key signed by the trusted CA: the echo comes back")
  void mtlsAccepted(Vertx vertx, VertxTestContext ctx) {
    PeerOptions withCert = trustingCa().withClientCertificate(certs.clientCert().toString(), certs.clientKey().toString());
    server(vertx, requiringClientCertificates())
        .compose(port -> client(vertx, port, withCert, List.of("mutual")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received mutual");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("clientAuth required, no --cert: one line saying to pass --cert and --key")
  void mtlsWithoutCertificate(Vertx vertx, VertxTestContext ctx) {
    expectFailure(server(vertx, requiringClientCertificates()), vertx, trustingCa(), ctx,
        "cannot connect to localhost:PORT: the server requires a client certificate (mTLS) — pass --cert FILE --key "
            + "FILE with one signed by a CA it trusts");
  }

  @Test
  @DisplayName("clientAuth required, a certificate from an untrusted issuer: one line naming the certificate")
  void mtlsStranger(Vertx vertx, VertxTestContext ctx) {
    PeerOptions stranger = trustingCa().withClientCertificate(certs.strangerCert().toString(),
        certs.strangerKey().toString());
    expectFailure(server(vertx, requiringClientCertificates()), vertx, stranger, ctx,
        "cannot connect to localhost:PORT: the server refused the client certificate " + certs.strangerCert()
            + " — is it signed by a CA the server trusts, and still valid?");
  }

  @Test
  @DisplayName("a --trust file that holds no certificate is a config error naming it, before connecting")
  void trustNotPem(Vertx vertx, VertxTestContext ctx) throws IOException {
    String bogus = certs.notPem().toString();
    server(vertx, localhostPem())
        .compose(port -> client(vertx, port, PeerOptions.TCP.withTls(true, bogus, false), List.of("x")))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class)
              .hasMessage("invalid trust = \"" + bogus + "\": not a PEM certificate (expected -----BEGIN CERTIFICATE-----)");
          ctx.completeNow();
        })));
  }
}
