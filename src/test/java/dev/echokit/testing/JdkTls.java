package dev.echokit.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** A plain JDK TLS client for tests: an independent peer that shares no code with EchoKit or Vert.x. */
public final class JdkTls {

  /** Every read is bounded: a test that waits for bytes that never come fails instead of hanging. */
  public static final int READ_TIMEOUT_MILLIS = 10_000;

  private JdkTls() {
  }

  /** Accepts any server certificate, like {@code --insecure}. */
  public static SSLContext trustingAll() throws Exception {
    TrustManager all = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {all}, null);
    return context;
  }

  /** Trusts only the certificates in {@code pem}. */
  public static SSLContext trusting(Path pem) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers(pem).getTrustManagers(), null);
    return context;
  }

  /** Trusts {@code caPem} and presents {@code certPem} with its PKCS#8 key {@code keyPem}. */
  public static SSLContext withClientCertificate(Path caPem, Path certPem, Path keyPem) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("client", privateKey(keyPem), new char[0], new Certificate[] {certificate(certPem)});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), trustManagers(caPem).getTrustManagers(), null);
    return context;
  }

  /** A TLS connection to localhost:{@code port}; the handshake happens on first use. */
  public static SSLSocket connect(SSLContext context, int port) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return socket;
  }

  /** Reads exactly {@code n} bytes, failing if the stream ends first. */
  public static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] out = new byte[n];
    int got = 0;
    while (got < n) {
      int r = in.read(out, got, n - got);
      if (r < 0) {
        throw new EOFException("the stream ended after " + got + " of " + n + " bytes");
      }
      got += r;
    }
    return out;
  }

  /**
   * Sends {@code data} and counts the bytes that come back until the server ends the connection, by closing it
   * or with a TLS alert: what a refused client sees.
   */
  public static int bytesBeforeFailure(SSLContext context, int port, byte[] data) {
    int received = 0;
    try (SSLSocket socket = connect(context, port)) {
      socket.getOutputStream().write(data);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      for (int r; (r = in.read(buffer)) >= 0; ) {
        received += r;
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new IllegalStateException("the server neither answered nor closed within " + READ_TIMEOUT_MILLIS + " ms");
    } catch (IOException e) {
      // A TLS alert or a reset: the connection is over.
    }
    return received;
  }

  private static TrustManagerFactory trustManagers(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("trusted", certificate(pem));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }

  private static Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static PrivateKey privateKey(Path pem) throws Exception {
    String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }
}
