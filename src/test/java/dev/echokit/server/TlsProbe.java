package dev.echokit.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * A blocking TLS test client over Vert.x's NetClient: it trusts any certificate, tells which one the server
 * presented, and echoes. For worker threads (executeBlocking), never an event loop.
 */
final class TlsProbe {

  /** How long a connect or an echo may take before the test fails instead of hanging. */
  static final int TIMEOUT_MILLIS = 10_000;

  /** Kept for the probe's life: Vert.x closes a NetClient that is garbage-collected, and its connections with it. */
  private final NetClient client;

  TlsProbe(Vertx vertx) {
    client = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true)
        // Vert.x 5 wants an explicit choice even with trustAll: none, the test trusts any name.
        .setHostnameVerificationAlgorithm("").setConnectTimeout(TIMEOUT_MILLIS));
  }

  NetSocket connect(int port) throws Exception {
    return join(client.connect(port, "127.0.0.1"));
  }

  /** The SHA-256 fingerprint of the certificate the server presented, as {@link TlsCredentials#fingerprint} writes it. */
  static String fingerprint(NetSocket socket) throws Exception {
    Certificate presented = socket.peerCertificates().get(0);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(presented.getEncoded());
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
  }

  /** Waits at most {@link #TIMEOUT_MILLIS} for {@code future}: a broken test fails instead of hanging. */
  static <T> T join(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Sends {@code text} and waits for as many bytes to come back. */
  static String echo(NetSocket socket, String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    Buffer received = Buffer.buffer();
    Promise<String> echoed = Promise.promise();
    socket.handler(chunk -> {
      received.appendBuffer(chunk);
      if (received.length() >= bytes.length) {
        echoed.tryComplete(received.toString(StandardCharsets.US_ASCII));
      }
    });
    socket.closeHandler(v -> echoed.tryFail("closed after " + received.length() + " bytes"));
    socket.write(Buffer.buffer(bytes));
    return join(echoed.future());
  }
}
