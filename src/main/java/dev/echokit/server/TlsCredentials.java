package dev.echokit.server;

import dev.echokit.config.TlsOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Set;

/**
 * Turns a listener's {@link TlsOptions} into Vert.x's server TLS settings, generating a self-signed certificate if asked.
 * Certificate, key and trust files are read and parsed here, at start-up, so that a bad file is one line naming
 * its key rather than a failed listen or a failed handshake later.
 */
final class TlsCredentials {

  private static final Logger log = LoggerFactory.getLogger(TlsCredentials.class);
  /** Addresses that mean "every interface": no client connects to them by that name, so they make a useless CN. */
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");
  /** The name a self-signed certificate gets when the listener binds every interface. */
  private static final String WILDCARD_CERT_NAME = "localhost";

  private TlsCredentials() {
  }

  /**
   * TLS settings for a listener on {@code host}; a self-signed certificate is generated anew on each call.
   *
   * @throws IllegalArgumentException naming the {@code tls.*} key whose file cannot be used
   */
  static ServerSSLOptions serverOptions(TlsOptions tls, String host) {
    ServerSSLOptions ssl = new ServerSSLOptions();
    if (tls.selfSigned()) {
      String name = WILDCARDS.contains(host) ? WILDCARD_CERT_NAME : host;
      DevCertificate generated = DevCertificate.create(name);
      ssl.setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(generated.certificatePem))
          .setKeyValue(Buffer.buffer(generated.privateKeyPem)));
      log.info("EchoKit generated a self-signed certificate for {}, SHA-256 fingerprint {} (clients need --insecure "
          + "or this certificate: {})", String.join(", ", generated.names), fingerprint(generated.certificatePath),
          generated.certificatePath);
    } else if (tls.keyStorePath() != null) {
      PfxOptions pfx = new PfxOptions().setValue(read(TlsOptions.KEY_STORE_PATH, tls.keyStorePath()))
          .setPassword(tls.keyStorePassword());
      try {
        pfx.getKeyManagerFactory(null);
      } catch (Exception e) {
        throw new IllegalArgumentException(TlsOptions.KEY_STORE_PATH + " " + tls.keyStorePath() + ": "
            + keyStoreProblem(e));
      }
      ssl.setKeyCertOptions(pfx);
    } else {
      requireCertificates(TlsOptions.CERT_PATH, tls.certPath());
      PemKeyCertOptions pem = new PemKeyCertOptions()
          .setCertValue(read(TlsOptions.CERT_PATH, tls.certPath()))
          .setKeyValue(read(TlsOptions.KEY_PATH, tls.keyPath()));
      try {
        pem.getKeyManagerFactory(null);
      } catch (Exception e) {
        // The certificates parsed above, so what failed is the key.
        throw new IllegalArgumentException(TlsOptions.KEY_PATH + " " + tls.keyPath() + ": not a PEM private key "
            + "(expected -----BEGIN PRIVATE KEY-----, or RSA or EC PRIVATE KEY)");
      }
      ssl.setKeyCertOptions(pem);
    }
    if (tls.trustPath() != null) {
      requireCertificates(TlsOptions.TRUST_PATH, tls.trustPath());
      ssl.setTrustOptions(new PemTrustOptions().addCertValue(read(TlsOptions.TRUST_PATH, tls.trustPath())));
    }
    ssl.setClientAuth(switch (tls.clientAuth()) {
      case NONE -> ClientAuth.NONE;
      case REQUEST -> ClientAuth.REQUEST;
      case REQUIRED -> ClientAuth.REQUIRED;
    });
    return ssl;
  }

  /** Applies {@code ssl} to a server's options. */
  static NetServerOptions apply(NetServerOptions options, ServerSSLOptions ssl) {
    return options.setSsl(true)
        .setKeyCertOptions(ssl.getKeyCertOptions())
        .setTrustOptions(ssl.getTrustOptions())
        .setClientAuth(ssl.getClientAuth());
  }

  /** The SHA-256 fingerprint of the first certificate in a PEM file, as {@code AB:CD:…} (what browsers and openssl show). */
  static String fingerprint(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static Buffer read(String key, String path) {
    try {
      return Buffer.buffer(Files.readAllBytes(Path.of(path)));
    } catch (IOException e) {
      throw new IllegalArgumentException(key + " " + path + ": cannot read it (" + e.getMessage() + ")");
    }
  }

  /** Fails unless {@code path} holds at least one PEM (or DER) X.509 certificate. */
  private static void requireCertificates(String key, String path) {
    byte[] bytes = read(key, path).getBytes();
    try {
      if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)).isEmpty()) {
        throw new IllegalArgumentException(key + " " + path + ": holds no certificate (expected PEM, "
            + "-----BEGIN CERTIFICATE-----)");
      }
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException(key + " " + path + ": not a PEM certificate (expected "
          + "-----BEGIN CERTIFICATE-----; " + e.getMessage() + ")");
    }
  }

  /** What went wrong opening a key store, in the user's terms. */
  private static String keyStoreProblem(Exception e) {
    String text = String.valueOf(e.getMessage());
    if (text.contains("password") || e.getCause() instanceof javax.crypto.BadPaddingException) {
      return "the password is wrong — check " + TlsOptions.KEY_STORE_PASSWORD;
    }
    return "not a PKCS#12 key store (" + (e.getMessage() == null ? e.getClass().getSimpleName() : text) + ")";
  }
}
