package dev.echokit.server;

import dev.echokit.config.TlsOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Turns a listener's {@link TlsOptions} into Vert.x's server TLS settings, generating a self-signed certificate if asked. */
final class TlsCredentials {

  private static final Logger log = LoggerFactory.getLogger(TlsCredentials.class);

  private TlsCredentials() {
  }

  /** TLS settings for a listener on {@code host}; a self-signed certificate is generated anew on each call. */
  static ServerSSLOptions serverOptions(TlsOptions tls, String host) {
    ServerSSLOptions ssl = new ServerSSLOptions();
    if (tls.selfSigned()) {
      SelfSignedCertificate generated = SelfSignedCertificate.create(host);
      ssl.setKeyCertOptions(generated.keyCertOptions());
      log.info("EchoKit generated a self-signed certificate for {}, SHA-256 fingerprint {} (clients need --insecure "
          + "or this certificate: {})", host, fingerprint(Path.of(generated.certificatePath())),
          generated.certificatePath());
    } else if (tls.keyStorePath() != null) {
      ssl.setKeyCertOptions(new PfxOptions().setPath(tls.keyStorePath()).setPassword(tls.keyStorePassword()));
    } else {
      ssl.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
    }
    if (tls.trustPath() != null) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(tls.trustPath()));
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
}
