package dev.echokit.server;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class CertificateReloadTest {

  /** Generated once for the class: a key pair takes seconds on a busy machine. */
  @TempDir
  static Path generated;
  @TempDir
  Path dir;
  WatchedConfig config;
  /** Two certificates for localhost, each a PEM certificate and its key. */
  static Path certA;
  static Path keyA;
  static Path certB;
  static Path keyB;
  static String fingerprintA;
  static String fingerprintB;

  @BeforeAll
  static void certificates() throws Exception {
    certA = generated.resolve("a-cert.pem");
    keyA = generated.resolve("a-key.pem");
    certB = generated.resolve("b-cert.pem");
    keyB = generated.resolve("b-key.pem");
    generate(certA, keyA);
    generate(certB, keyB);
    fingerprintA = TlsCredentials.fingerprint(certA);
    fingerprintB = TlsCredentials.fingerprint(certB);
  }

  @AfterEach
  void restore() {
    config.close();
  }

  static void generate(Path cert, Path key) throws Exception {
    SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
    Files.copy(Path.of(generated.certificatePath()), cert);
    Files.copy(Path.of(generated.privateKeyPath()), key);
    generated.delete();
  }

  /** One TLS listener on any free loopback port, with this certificate and key (and the extra tls settings). */
  static JsonObject tls(Path cert, Path key, JsonObject more) {
    JsonObject tls = new JsonObject().put("certPath", cert.toString()).put("keyPath", key.toString()).mergeIn(more);
    return WatchedConfig.withListeners(new JsonObject().put("protocol", "tls").put("tls", tls));
  }

  static JsonObject tls(Path cert, Path key) {
    return tls(cert, key, new JsonObject());
  }

  EchoServerVerticle start(Vertx vertx, JsonObject first) throws Exception {
    config = new WatchedConfig(dir, first);
    EchoServerVerticle server = new EchoServerVerticle();
    GracefulShutdownTest.join(vertx.deployVerticle(server));
    return server;
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("new tls.certPath and tls.keyPath: new connections on the same port get the new certificate")
  void newPathsApply(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, tls(certA, keyA));
    int port = server.actualPort();
    TlsProbe probe = new TlsProbe(vertx);
    vertx.executeBlocking(() -> {
      config.write(tls(certB, keyB));
      await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("TLS reloaded"));
      NetSocket fresh = probe.connect(port);
      String seen = TlsProbe.fingerprint(fresh);
      fresh.close();
      return List.of(String.valueOf(server.actualPort()), seen);
    }).onComplete(ctx.succeeding(portAndCertificate -> ctx.verify(() -> {
      assertThat(portAndCertificate).containsExactly(String.valueOf(port), fingerprintB);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a TLS connection open across a certificate change keeps its certificate and keeps echoing")
  void openConnectionKeepsEchoing(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, tls(certA, keyA));
    TlsProbe probe = new TlsProbe(vertx);
    vertx.executeBlocking(() -> {
      NetSocket open = probe.connect(server.actualPort());
      String before = TlsProbe.echo(open, "before");
      config.write(tls(certB, keyB));
      await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("TLS reloaded"));
      String after = TlsProbe.echo(open, "after the change");
      String kept = TlsProbe.fingerprint(open);
      open.close();
      return List.of(before, after, kept);
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen).containsExactly("before", "after the change", fingerprintA);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a certificate and key rewritten in place (same paths, new content) reach new connections")
  void rotationInPlace(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.copy(certA, cert);
    Files.copy(keyA, key);
    EchoServerVerticle server = start(vertx, tls(cert, key));
    int port = server.actualPort();
    TlsProbe probe = new TlsProbe(vertx);
    vertx.executeBlocking(() -> {
      // One file after the other, as certbot does: a scan may see the new certificate with the old key.
      replace(certB, cert);
      replace(keyB, key);
      await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("TLS reloaded"));
      NetSocket fresh = probe.connect(port);
      String seen = TlsProbe.fingerprint(fresh);
      String echoed = TlsProbe.echo(fresh, "rotated");
      fresh.close();
      return List.of(seen, echoed);
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen).containsExactly(fingerprintB, "rotated");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a key that does not belong to the new certificate is rejected in one line; the old pair serves on")
  void mismatchedKeyRejected(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, tls(certA, keyA));
    TlsProbe probe = new TlsProbe(vertx);
    vertx.executeBlocking(() -> {
      config.write(tls(certB, keyA));
      await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("rejected"));
      NetSocket fresh = probe.connect(server.actualPort());
      String seen = TlsProbe.fingerprint(fresh);
      fresh.close();
      return List.of(config.line("rejected"), seen);
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen).containsExactly("config change in " + config.file + " rejected, the running configuration "
          + "stays: cannot set up TLS for listeners[0]: the private key does not belong to the certificate "
          + "CN=localhost (were the files rotated one at a time?)", fingerprintA);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("tls.clientAuth turned to required: a new client without a certificate is refused")
  void clientAuthApplies(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, tls(certA, keyA));
    int port = server.actualPort();
    TlsProbe probe = new TlsProbe(vertx);
    vertx.executeBlocking(() -> {
      NetSocket open = probe.connect(port);
      config.write(tls(certA, keyA, new JsonObject().put("clientAuth", "required").put("trustPath", certB.toString())));
      await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("TLS reloaded"));
      assertThatThrownBy(() -> TlsProbe.echo(probe.connect(port), "no certificate"))
          .as("a new connection without a client certificate").isNotNull();
      String echoed = TlsProbe.echo(open, "accepted before");
      open.close();
      return echoed;
    }).onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
      assertThat(echoed).as("the connection accepted before the change").isEqualTo("accepted before");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("an https listener's new certificate reaches new TLS connections on the same port")
  void httpsListener(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, https(certA, keyA));
    int port = server.actualPort();
    TlsProbe probe = new TlsProbe(vertx);
    vertx.executeBlocking(() -> {
      config.write(https(certB, keyB));
      await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("TLS reloaded"));
      NetSocket fresh = probe.connect(port);
      String seen = TlsProbe.fingerprint(fresh);
      fresh.close();
      return List.of(String.valueOf(server.actualPort()), seen);
    }).onComplete(ctx.succeeding(portAndCertificate -> ctx.verify(() -> {
      assertThat(portAndCertificate).containsExactly(String.valueOf(port), fingerprintB);
      ctx.completeNow();
    })));
  }

  static JsonObject https(Path cert, Path key) {
    JsonObject tls = new JsonObject().put("certPath", cert.toString()).put("keyPath", key.toString());
    return WatchedConfig.withListeners(new JsonObject().put("protocol", "http").put("tls", tls));
  }

  /** Replaces {@code target} with a copy of {@code source} in one step, as a careful rotation tool does per file. */
  static void replace(Path source, Path target) throws Exception {
    Path next = target.resolveSibling(target.getFileName() + ".next");
    Files.copy(source, next, StandardCopyOption.REPLACE_EXISTING);
    Files.move(next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
