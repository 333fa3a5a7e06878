package dev.echokit.client;

import dev.echokit.config.ConfigException;
import dev.echokit.config.PeerOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * The client side of TLS, one place for the client and the load generator: whom to trust (the JDK's CAs, a
 * {@code --trust} PEM file, or anyone with {@code --insecure}), whether the host name must match the certificate (yes,
 * unless {@code --insecure}), and which certificate to present to a server that asks (mTLS, {@code --cert --key}).
 */
public final class TlsClientSettings {

  /** The JDK's name for the RFC 2818 host name check: the name dialled must be in the server's certificate. */
  static final String HOSTNAME_CHECK = "HTTPS";
  /** No host name check: Vert.x 5 insists on a value, and an empty one means none. */
  static final String NO_HOSTNAME_CHECK = "";

  private final PeerOptions peer;
  private final PemTrustOptions trust;
  private final PemKeyCertOptions keyCert;

  /**
   * Reads and checks the PEM files now, so that a file that is not a certificate is one line naming the flag before
   * anything connects.
   *
   * @throws ConfigException naming the setting whose file cannot be used
   */
  public TlsClientSettings(PeerOptions peer) {
    this.peer = peer;
    this.trust = peer.trustPath() == null ? null
        : new PemTrustOptions().addCertValue(certificates(PeerOptions.TRUST, peer.trustPath()));
    if (peer.certPath() == null) {
      this.keyCert = null;
    } else {
      PemKeyCertOptions pem = new PemKeyCertOptions()
          .setCertValue(certificates(PeerOptions.CERT, peer.certPath()))
          .setKeyValue(read(PeerOptions.KEY, peer.keyPath()));
      try {
        pem.getKeyManagerFactory(null);
      } catch (Exception e) {
        // The certificate parsed above, so what failed is the key.
        throw new ConfigException("invalid " + PeerOptions.KEY + " = \"" + peer.keyPath() + "\": not a PEM private key "
            + "(expected -----BEGIN PRIVATE KEY-----, or RSA or EC PRIVATE KEY)");
      }
      this.keyCert = pem;
    }
  }

  /** TCP client options with this TLS, or unchanged without {@code --tls}. */
  public NetClientOptions apply(NetClientOptions options) {
    if (peer.tls()) {
      common(options);
      options.setHostnameVerificationAlgorithm(peer.insecure() ? NO_HOSTNAME_CHECK : HOSTNAME_CHECK);
    }
    return options;
  }

  /** WebSocket client options with this TLS (wss), or unchanged without {@code --tls} (ws). */
  public WebSocketClientOptions apply(WebSocketClientOptions options) {
    if (peer.tls()) {
      common(options);
      options.setVerifyHost(!peer.insecure());
    }
    return options;
  }

  private void common(ClientOptionsBase options) {
    options.setSsl(true).setTrustAll(peer.insecure());
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    if (keyCert != null) {
      options.setKeyCertOptions(keyCert);
    }
  }

  private static Buffer read(String key, String path) {
    try {
      return Buffer.buffer(Files.readAllBytes(Path.of(path)));
    } catch (IOException e) {
      throw new ConfigException("invalid " + key + " = \"" + path + "\": cannot read it (" + e.getMessage() + ")");
    }
  }

  /** The file's bytes, once they have been seen to hold at least one PEM certificate. */
  private static Buffer certificates(String key, String path) {
    Buffer bytes = read(key, path);
    boolean none;
    try {
      none = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes.getBytes())).isEmpty();
    } catch (CertificateException e) {
      none = true;
    }
    if (none) {
      throw new ConfigException("invalid " + key + " = \"" + path + "\": not a PEM certificate (expected "
          + "-----BEGIN CERTIFICATE-----)");
    }
    return bytes;
  }
}
