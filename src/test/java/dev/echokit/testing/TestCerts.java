package dev.echokit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made with the openssl command once per test JVM: a test CA, a server certificate for localhost and
 * 127.0.0.1, one for another host name, a client certificate from the same CA, one from no trusted CA, and the
 * server's key and chain as a PKCS#12 key store.
 */
public final class TestCerts {

  /** Password of {@link #serverKeyStore()}. */
  public static final String KEY_STORE_PASSWORD = "echokit-test";
  /** Generating a few EC keys takes well under a second; this only stops a hung openssl from hanging the build. */
  private static final long OPENSSL_TIMEOUT_SECONDS = 30;
  /** Long enough for any test run, short enough that a leaked file is useless. */
  private static final String VALID_DAYS = "2";

  private static TestCerts instance;

  private final Path dir;

  private TestCerts(Path dir) {
    this.dir = dir;
  }

  /** The certificates, generated on first use. */
  public static synchronized TestCerts get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("echokit-certs");
        dir.toFile().deleteOnExit();
        TestCerts certs = new TestCerts(dir);
        certs.generate();
        instance = certs;
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("cannot generate test certificates with openssl: " + e.getMessage(), e);
      }
    }
    return instance;
  }

  /** The CA that signed the server, other-host and client certificates (PEM). */
  public Path ca() {
    return dir.resolve("ca.pem");
  }

  /** A certificate for DNS localhost and IP 127.0.0.1, signed by {@link #ca()}. */
  public Path serverCert() {
    return dir.resolve("server.pem");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /** {@link #serverCert()} with its key and the CA, in PKCS#12, password {@link #KEY_STORE_PASSWORD}. */
  public Path serverKeyStore() {
    return dir.resolve("server.p12");
  }

  /** A certificate for other.example only, signed by {@link #ca()}: a host name mismatch for localhost. */
  public Path otherHostCert() {
    return dir.resolve("other.pem");
  }

  public Path otherHostKey() {
    return dir.resolve("other.key");
  }

  /** A client certificate (CN=echokit-client) signed by {@link #ca()}. */
  public Path clientCert() {
    return dir.resolve("client.pem");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /** A self-signed client certificate that no test trusts. */
  public Path strangerCert() {
    return dir.resolve("stranger.pem");
  }

  public Path strangerKey() {
    return dir.resolve("stranger.key");
  }

  /** A file that is readable but holds no certificate. */
  public Path notPem() throws IOException {
    Path p = dir.resolve("not.pem");
    Files.writeString(p, "this is not a certificate\n");
    return p;
  }

  /** The SHA-256 fingerprint of a PEM certificate, as AB:CD:… (upper case, as openssl prints it). */
  public static String fingerprint(byte[] der) {
    try {
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DER bytes of the first certificate in a PEM file. */
  public static byte[] der(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getEncoded();
    }
  }

  private void generate() throws IOException, InterruptedException {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", VALID_DAYS, "-subj", "/CN=EchoKit Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    signed("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    signed("other", "/CN=other.example", "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n");
    signed("client", "/CN=echokit-client", "extendedKeyUsage=clientAuth\n");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "stranger.key", "-out", "stranger.pem", "-days", VALID_DAYS, "-subj", "/CN=stranger");
    openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-certfile", "ca.pem",
        "-out", "server.p12", "-passout", "pass:" + KEY_STORE_PASSWORD);
  }

  private void signed(String name, String subject, String extensions) throws IOException, InterruptedException {
    Files.writeString(dir.resolve(name + ".ext"), extensions, StandardCharsets.US_ASCII);
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".pem", "-days", VALID_DAYS, "-extfile", name + ".ext");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("openssl " + args[0] + " did not finish in " + OPENSSL_TIMEOUT_SECONDS + " s");
    }
    if (p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + new String(output, StandardCharsets.UTF_8));
    }
  }
}
