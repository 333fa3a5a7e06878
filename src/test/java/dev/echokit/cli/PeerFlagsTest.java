package dev.echokit.cli;

import dev.echokit.config.HttpOptions;
import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.TlsOptions;
import dev.echokit.config.TlsOptions.ClientAuth;
import dev.echokit.server.EchoServerVerticle;
import dev.echokit.testing.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The --tls --trust --cert --key and --ws flags of {@code run.sh bench}, from the command line to a live listener. */
@ExtendWith(VertxExtension.class)
class PeerFlagsTest {

  final TestCerts certs = TestCerts.get();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int bench(String... args) {
    return new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  static int listen(Vertx vertx, ListenerOptions listener) {
    EchoServerVerticle server = new EchoServerVerticle(ServerOptions.defaults().withPort(0)
        .withMetrics(MetricsOptions.OFF).withListeners(List.of(listener)));
    vertx.deployVerticle(server).await();
    return server.actualPort();
  }

  @Test
  @DisplayName("bench --tls --trust --cert --key against a listener requiring client certificates: exit 0, tls://")
  void mtlsFlags(Vertx vertx) {
    int port = listen(vertx, new ListenerOptions(Protocol.TLS, "localhost", 0, 1, new TlsOptions(
        certs.serverCert().toString(), certs.serverKey().toString(), null, null, false, ClientAuth.REQUIRED,
        certs.ca().toString()), null, null));
    int code = bench("--host", "localhost", "-p", String.valueOf(port), "--tls", "--trust", certs.ca().toString(),
        "--cert", certs.clientCert().toString(), "--key", certs.clientKey().toString(), "-c", "2", "--messages", "200",
        "--warmup", "0", "--quiet");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("2 connections to tls://localhost:" + port + ", ")
        .contains("  messages     200  (", "errors       0 ");
  }

  @Test
  @DisplayName("bench --ws against EchoKit's http listener: exit 0, ws://host:port/ws")
  void webSocketFlag(Vertx vertx) {
    int port = listen(vertx, new ListenerOptions(Protocol.HTTP, "localhost", 0, 1, null, null, HttpOptions.DEFAULTS));
    int code = bench("--host", "localhost", "-p", String.valueOf(port), "--ws", "-c", "2", "--size", "64",
        "--messages", "200", "--warmup", "0", "--quiet");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("2 connections to ws://localhost:" + port + "/ws, 64-byte messages")
        .contains("  messages     200  (", "errors       0 ");
  }

  @Test
  @DisplayName("a --trust file that is no certificate: exit 2 and one line naming bench.trust")
  void badTrustFile() throws IOException {
    String bogus = certs.notPem().toString();
    int code = bench("--host", "localhost", "-p", "1", "--tls", "--trust", bogus, "--messages", "1", "--quiet");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("invalid bench.trust = \"" + bogus + "\": not a PEM certificate (expected "
        + "-----BEGIN CERTIFICATE-----)" + System.lineSeparator());
  }

  @Test
  @DisplayName("--key without --cert: exit 2 and one line saying they go together")
  void keyWithoutCert() {
    int code = bench("-p", "1", "--tls", "--key", certs.clientKey().toString(), "--messages", "1", "--quiet");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("invalid bench.cert: missing — --cert and --key go together (a PEM client "
        + "certificate and its private key)" + System.lineSeparator());
  }
}
