package dev.echokit.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A throw-away self-signed certificate for a listener: an EC P-256 key, and a certificate whose subject
 * alternative names are the listener's host, localhost, 127.0.0.1 and ::1, so that a client that trusts it can
 * verify the server's name however it reaches it on this machine.
 *
 * <p>The JDK has no public API to make a certificate and Netty's fallback puts the name only in the CN, which
 * clients do not check for IP addresses: so the few DER structures of RFC 5280 are written out here.
 */
final class DevCertificate {

  /** Long enough for any development session, short enough that a copy found later is useless. */
  static final Duration VALIDITY = Duration.ofDays(365);
  /** A client whose clock is a little behind the server's must not see a certificate that is not valid yet. */
  static final Duration BACKDATE = Duration.ofDays(1);
  /** Names every certificate lists, besides the listener's host: what clients on this machine connect with. */
  static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");
  /** A dotted-quad literal: with IPv6 literals (a colon), what goes in the certificate as an IP address. */
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** The certificate, as PEM. */
  final String certificatePem;
  /** Its private key, as PKCS#8 PEM. */
  final String privateKeyPem;
  /** A temporary file holding {@link #certificatePem}, for clients to trust; deleted when the JVM exits. */
  final Path certificatePath;
  /** The DNS names and IP addresses the certificate lists, host first. */
  final List<String> names;

  private DevCertificate(String certificatePem, String privateKeyPem, Path certificatePath, List<String> names) {
    this.certificatePem = certificatePem;
    this.privateKeyPem = privateKeyPem;
    this.certificatePath = certificatePath;
    this.names = names;
  }

  /** A new key and certificate for {@code host} (a DNS name or an IP address; its CN too). */
  static DevCertificate create(String host) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    Set<String> unique = new LinkedHashSet<>();
    unique.add(bare);
    unique.addAll(LOCAL_NAMES);
    List<String> names = List.copyOf(unique);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      byte[] der = certificate(keys, bare, names);
      X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      parsed.verify(keys.getPublic());
      String certPem = pem("CERTIFICATE", der);
      Path file = Files.createTempFile("echokit-self-signed-", ".crt");
      file.toFile().deleteOnExit();
      Files.writeString(file, certPem);
      return new DevCertificate(certPem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), file, names);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the self-signed certificate to a temporary file", e);
    }
  }

  private static byte[] certificate(KeyPair keys, String cn, List<String> names) throws GeneralSecurityException {
    Instant now = Instant.now();
    byte[] serial = new byte[16];
    new SecureRandom().nextBytes(serial);
    // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets.
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    byte[] ecdsaWithSha256 = Der.sequence(Der.oid("1.2.840.10045.4.3.2"));
    byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8(cn))));
    byte[] tbs = Der.sequence(
        Der.explicit(0, Der.integer(BigInteger.TWO)),
        Der.integer(new BigInteger(serial)),
        ecdsaWithSha256,
        name,
        Der.sequence(Der.time(now.minus(BACKDATE)), Der.time(now.plus(VALIDITY))),
        name,
        keys.getPublic().getEncoded(),
        Der.explicit(3, Der.sequence(
            Der.sequence(Der.oid("2.5.29.17"), Der.octets(subjectAltNames(names))),
            // An end-entity certificate: it cannot sign others if a client takes it as a trust anchor.
            Der.sequence(Der.oid("2.5.29.19"), Der.octets(Der.sequence())))));
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(tbs);
    return Der.sequence(tbs, ecdsaWithSha256, Der.bits(signer.sign()));
  }

  /** RFC 5280 §4.2.1.6: an IP address as its octets ([7]), anything else as a DNS name ([2]). */
  private static byte[] subjectAltNames(List<String> names) {
    List<byte[]> general = new ArrayList<>();
    for (String n : names) {
      byte[] ip = ipLiteral(n);
      general.add(ip != null ? Der.tagged(0x87, ip) : Der.tagged(0x82, n.getBytes(StandardCharsets.US_ASCII)));
    }
    return Der.sequence(general.toArray(byte[][]::new));
  }

  /** The octets of an IPv4 or IPv6 literal, or null for a name (never a DNS look-up). */
  private static byte[] ipLiteral(String s) {
    if (!IPV4.matcher(s).matches() && !s.contains(":")) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (IOException e) {
      return null;
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** The DER encodings (X.690) the certificate needs: definite lengths, nothing else. */
  private static final class Der {

    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
        .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
        .withZone(ZoneOffset.UTC);

    static byte[] tagged(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int n = content.length;
      if (n < 0x80) {
        out.write(n);
      } else {
        int octets = (Integer.SIZE - Integer.numberOfLeadingZeros(n) + 7) / 8;
        out.write(0x80 | octets);
        for (int i = octets - 1; i >= 0; i--) {
          out.write(n >>> (8 * i));
        }
      }
      out.writeBytes(content);
      return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
      return tagged(0x30, concat(parts));
    }

    static byte[] set(byte[]... parts) {
      return tagged(0x31, concat(parts));
    }

    static byte[] explicit(int number, byte[] inner) {
      return tagged(0xa0 | number, inner);
    }

    static byte[] integer(BigInteger value) {
      return tagged(0x02, value.toByteArray());
    }

    static byte[] octets(byte[] content) {
      return tagged(0x04, content);
    }

    static byte[] bits(byte[] content) {
      byte[] withUnused = new byte[content.length + 1];
      System.arraycopy(content, 0, withUnused, 1, content.length);
      return tagged(0x03, withUnused);
    }

    static byte[] utf8(String s) {
      return tagged(0x0c, s.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
    static byte[] time(Instant t) {
      return t.atZone(ZoneOffset.UTC).getYear() < 2050
          ? tagged(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII))
          : tagged(0x18, GENERALIZED_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] oid(String dotted) {
      String[] arcs = dotted.split("\\.");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
      for (int i = 2; i < arcs.length; i++) {
        base128(out, Long.parseLong(arcs[i]));
      }
      return tagged(0x06, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long value) {
      int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
      for (int i = groups - 1; i >= 0; i--) {
        int b = (int) (value >>> (7 * i)) & 0x7f;
        out.write(i > 0 ? b | 0x80 : b);
      }
    }

    private static byte[] concat(byte[]... parts) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] p : parts) {
        out.writeBytes(p);
      }
      return out.toByteArray();
    }
  }
}
