package dev.echokit.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.echokit.config.ConfigException;
import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.TlsOptions;
import dev.echokit.config.TlsOptions.ClientAuth;
import dev.echokit.testing.JdkTls;
import dev.echokit.testing.TestCerts;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tls listener, seen from a plain JDK TLS client (not EchoKit's own), over real sockets. */
@ExtendWith(VertxExtension.class)
class TlsListenerTest {

  static final byte[] MESSAGE = "Hello over TLS! ünïcødé ✓".getBytes(StandardCharsets.UTF_8);
  static final Pattern CERTIFICATE_PATH = Pattern.compile("this certificate: ([^)]+)\\)");
  static final Pattern FINGERPRINT = Pattern.compile("SHA-256 fingerprint (([0-9A-F]{2}:){31}[0-9A-F]{2})");

  final TestCerts certs = TestCerts.get();
  final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(TlsCredentials.class)).addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    ((Logger) LoggerFactory.getLogger(TlsCredentials.class)).detachAppender(logged);
  }

  static Future<EchoServerVerticle> tlsServer(Vertx vertx, TlsOptions tls) {
    return tlsServer(vertx, tls, ServerOptions.DEFAULT_ECHO_MODE);
  }

  static Future<EchoServerVerticle> tlsServer(Vertx vertx, TlsOptions tls, ServerOptions.EchoMode mode) {
    EchoServerVerticle server = new EchoServerVerticle(TestOptions.anyPort().withEchoMode(mode).withListeners(List.of(
        new ListenerOptions(Protocol.TLS, "localhost", 0, 1, tls, null, null))));
    return vertx.deployVerticle(server).map(id -> server);
  }

  static TlsOptions pem(TestCerts certs) {
    return new TlsOptions(certs.serverCert().toString(), certs.serverKey().toString(), null, null, false,
        ClientAuth.NONE, null);
  }

  static TlsOptions mtls(TestCerts certs) {
    return new TlsOptions(certs.serverCert().toString(), certs.serverKey().toString(), null, null, false,
        ClientAuth.REQUIRED, certs.ca().toString());
  }

  /** Sends {@code data} over one TLS connection, reads exactly as many bytes back and returns them. */
  static Future<byte[]> echo(Vertx vertx, int port, SSLContext context, byte[] data) {
    return vertx.executeBlocking(() -> {
      try (SSLSocket socket = JdkTls.connect(context, port)) {
        socket.getOutputStream().write(data);
        socket.getOutputStream().flush();
        return JdkTls.readExactly(socket.getInputStream(), data.length);
      }
    });
  }

  @Test
  @DisplayName("a self-signed tls listener echoes byte for byte to a client that trusts any certificate")
  void selfSignedEchoes(Vertx vertx, VertxTestContext ctx) throws Exception {
    SSLContext any = JdkTls.trustingAll();
    tlsServer(vertx, TlsOptions.SELF_SIGNED_DEV)
        .compose(server -> echo(vertx, server.actualPort(), any, MESSAGE))
        .onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
          assertThat(echoed).isEqualTo(MESSAGE);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a client that trusts only the logged self-signed certificate verifies the server's name, whether it "
      + "connects to localhost or to 127.0.0.1")
  void selfSignedCertificateNamesLoopback(Vertx vertx, VertxTestContext ctx) throws Exception {
    tlsServer(vertx, TlsOptions.SELF_SIGNED_DEV)
        .compose(server -> vertx.executeBlocking(() -> {
          String line = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.contains("self-signed")).findFirst().orElseThrow();
          Matcher path = CERTIFICATE_PATH.matcher(line);
          assertThat(path.find()).as("the certificate's path in: %s", line).isTrue();
          SSLContext onlyThis = JdkTls.trusting(Path.of(path.group(1)));
          List<String> echoes = new ArrayList<>();
          for (String host : List.of("localhost", "127.0.0.1")) {
            try (SSLSocket socket = (SSLSocket) onlyThis.getSocketFactory().createSocket(host, server.actualPort())) {
              SSLParameters verifyName = socket.getSSLParameters();
              verifyName.setEndpointIdentificationAlgorithm("HTTPS");
              socket.setSSLParameters(verifyName);
              socket.setSoTimeout(JdkTls.READ_TIMEOUT_MILLIS);
              socket.getOutputStream().write(MESSAGE);
              echoes.add(host + ": " + new String(JdkTls.readExactly(socket.getInputStream(), MESSAGE.length),
                  StandardCharsets.UTF_8));
            }
          }
          return echoes;
        }))
        .onComplete(ctx.succeeding(echoes -> ctx.verify(() -> {
          String text = new String(MESSAGE, StandardCharsets.UTF_8);
          assertThat(echoes).containsExactly("localhost: " + text, "127.0.0.1: " + text);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the logged SHA-256 fingerprint is that of the self-signed certificate the listener serves")
  void fingerprintMatchesServedCertificate(Vertx vertx, VertxTestContext ctx) throws Exception {
    SSLContext any = JdkTls.trustingAll();
    tlsServer(vertx, TlsOptions.SELF_SIGNED_DEV)
        .compose(server -> vertx.executeBlocking(() -> {
          try (SSLSocket socket = JdkTls.connect(any, server.actualPort())) {
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0].getEncoded();
          }
        }))
        .onComplete(ctx.succeeding(served -> ctx.verify(() -> {
          List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.contains("self-signed")).toList();
          assertThat(lines).hasSize(1);
          Matcher m = FINGERPRINT.matcher(lines.get(0));
          assertThat(m.find()).isTrue();
          assertThat(m.group(1)).isEqualTo(TestCerts.fingerprint(served));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a PEM certificate and key: a client that trusts only the test CA verifies it and gets its echo")
  void pemEchoes(Vertx vertx, VertxTestContext ctx) throws Exception {
    SSLContext trustingCa = JdkTls.trusting(certs.ca());
    tlsServer(vertx, pem(certs))
        .compose(server -> echo(vertx, server.actualPort(), trustingCa, MESSAGE))
        .onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
          assertThat(echoed).isEqualTo(MESSAGE);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a PKCS#12 key store: the listener serves the certificate inside it")
  void pkcs12Echoes(Vertx vertx, VertxTestContext ctx) throws Exception {
    TlsOptions p12 = new TlsOptions(null, null, certs.serverKeyStore().toString(), TestCerts.KEY_STORE_PASSWORD,
        false, ClientAuth.NONE, null);
    SSLContext trustingCa = JdkTls.trusting(certs.ca());
    byte[] expected = TestCerts.der(certs.serverCert());
    tlsServer(vertx, p12)
        .compose(server -> vertx.executeBlocking(() -> {
          try (SSLSocket socket = JdkTls.connect(trustingCa, server.actualPort())) {
            socket.getOutputStream().write(MESSAGE);
            byte[] echoed = JdkTls.readExactly(socket.getInputStream(), MESSAGE.length);
            return List.of(echoed, socket.getSession().getPeerCertificates()[0].getEncoded());
          }
        }))
        .onComplete(ctx.succeeding(got -> ctx.verify(() -> {
          assertThat(got.get(0)).isEqualTo(MESSAGE);
          assertThat(got.get(1)).isEqualTo(expected);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("1 MiB of random bytes comes back whole through TLS records (zero-copy echo behind the SslHandler)")
  void largeEcho(Vertx vertx, VertxTestContext ctx) throws Exception {
    byte[] data = new byte[1 << 20];
    new java.util.Random(862).nextBytes(data);
    SSLContext trustingCa = JdkTls.trusting(certs.ca());
    tlsServer(vertx, pem(certs))
        .compose(server -> vertx.executeBlocking(() -> {
          try (SSLSocket socket = JdkTls.connect(trustingCa, server.actualPort())) {
            // Written from another thread: the server echoes while we are still sending.
            Thread writer = new Thread(() -> {
              try {
                socket.getOutputStream().write(data);
              } catch (IOException ignored) {
                // the reader reports the short echo
              }
            });
            writer.start();
            byte[] echoed = JdkTls.readExactly(socket.getInputStream(), data.length);
            writer.join();
            return echoed;
          }
        }))
        .onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
          assertThat(echoed).isEqualTo(data);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a JDK client's shutdownOutput (close_notify): the server echoes what came before, then closes")
  void closeNotifyEndsInput(Vertx vertx, VertxTestContext ctx) throws Exception {
    SSLContext trustingCa = JdkTls.trusting(certs.ca());
    tlsServer(vertx, pem(certs))
        .compose(server -> vertx.executeBlocking(() -> {
          try (SSLSocket socket = JdkTls.connect(trustingCa, server.actualPort())) {
            socket.getOutputStream().write(MESSAGE);
            // TLS half-close, as socat and openssl send at the end of their input.
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] echoed = JdkTls.readExactly(in, MESSAGE.length);
            return List.of(echoed, new byte[] {(byte) in.read()});
          }
        }))
        .onComplete(ctx.succeeding(got -> ctx.verify(() -> {
          assertThat(got.get(0)).isEqualTo(MESSAGE);
          assertThat(got.get(1)[0]).as("end of stream after the echo").isEqualTo((byte) -1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a close_notify alone, with no TCP half-close (as socat and openssl send): echo, then the server closes")
  void closeNotifyAlone(Vertx vertx, VertxTestContext ctx) {
    closeNotifyEndsEcho(vertx, ctx, ServerOptions.EchoMode.DIRECT);
  }

  @Test
  @DisplayName("the pipe echo mode over TLS: a close_notify alone also ends the input after the last echo")
  void closeNotifyAlonePipeMode(Vertx vertx, VertxTestContext ctx) {
    closeNotifyEndsEcho(vertx, ctx, ServerOptions.EchoMode.PIPE);
  }

  void closeNotifyEndsEcho(Vertx vertx, VertxTestContext ctx, ServerOptions.EchoMode mode) {
    NetClient client = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true)
        .setHostnameVerificationAlgorithm(""));
    Buffer echoed = Buffer.buffer();
    tlsServer(vertx, pem(certs), mode)
        .compose(server -> client.connect(server.actualPort(), "localhost"))
        .onComplete(ctx.succeeding(socket -> {
          socket.handler(echoed::appendBuffer);
          socket.closeHandler(v -> ctx.verify(() -> {
            assertThat(echoed.getBytes()).isEqualTo(MESSAGE);
            ctx.completeNow();
          }));
          socket.write(Buffer.buffer(MESSAGE)).onComplete(ctx.succeeding(written ->
              // Netty sends close_notify and keeps the TCP connection open in both directions.
              ((NetSocketInternal) socket).channelHandlerContext().pipeline().get(SslHandler.class).closeOutbound()));
        }));
  }

  @Test
  @DisplayName("clientAuth required: a client certificate signed by the trusted CA gets its echo")
  void mtlsWithCertificate(Vertx vertx, VertxTestContext ctx) throws Exception {
    SSLContext withCert = JdkTls.withClientCertificate(certs.ca(), certs.clientCert(), certs.clientKey());
    tlsServer(vertx, mtls(certs))
        .compose(server -> echo(vertx, server.actualPort(), withCert, MESSAGE))
        .onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
          assertThat(echoed).isEqualTo(MESSAGE);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("clientAuth required: a client without a certificate gets no echo, only the connection's end")
  void mtlsWithoutCertificate(Vertx vertx, VertxTestContext ctx) throws Exception {
    SSLContext noCert = JdkTls.trusting(certs.ca());
    tlsServer(vertx, mtls(certs))
        .compose(server -> vertx.<Integer>executeBlocking(() -> JdkTls.bytesBeforeFailure(noCert, server.actualPort(), MESSAGE)))
        .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
          assertThat(received).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("clientAuth required: a certificate from an untrusted issuer gets no echo")
  void mtlsWithStrangerCertificate(Vertx vertx, VertxTestContext ctx) throws Exception {
    SSLContext stranger = JdkTls.withClientCertificate(certs.ca(), certs.strangerCert(), certs.strangerKey());
    tlsServer(vertx, mtls(certs))
        .compose(server -> vertx.<Integer>executeBlocking(() -> JdkTls.bytesBeforeFailure(stranger, server.actualPort(), MESSAGE)))
        .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
          assertThat(received).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a certificate path that cannot be read is a one-line config error naming its key")
  void unreadableCertPath() {
    JsonObject json = new JsonObject().put("listeners", new JsonArray().add(new JsonObject()
        .put("protocol", "tls").put("tls", new JsonObject().put("certPath", "no/such/cert.pem")
            .put("keyPath", certs.serverKey().toString()))));
    assertThatThrownBy(() -> ServerOptions.fromJson(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners[0].tls.certPath = \"no/such/cert.pem\" (from config): expected a "
            + "readable file");
  }

  @Test
  @DisplayName("a readable file that is not a PEM certificate fails the start with one line naming its key")
  void notPemCertificate(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path bogus = certs.notPem();
    TlsOptions tls = new TlsOptions(bogus.toString(), certs.serverKey().toString(), null, null, false,
        ClientAuth.NONE, null);
    tlsServer(vertx, tls).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ConfigException.class);
      assertThat(err.getMessage()).startsWith("cannot set up TLS for listeners[0]: ")
          .contains("tls.certPath", bogus.toString()).doesNotContain("\n");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a wrong key store password fails the start with one line naming tls.keyStorePassword")
  void wrongKeyStorePassword(Vertx vertx, VertxTestContext ctx) {
    TlsOptions tls = new TlsOptions(null, null, certs.serverKeyStore().toString(), "wrong", false,
        ClientAuth.NONE, null);
    tlsServer(vertx, tls).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ConfigException.class);
      assertThat(err.getMessage()).startsWith("cannot set up TLS for listeners[0]: ")
          .contains("tls.keyStorePassword").doesNotContain("\n");
      ctx.completeNow();
    })));
  }
}
