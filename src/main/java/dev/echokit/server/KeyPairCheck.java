package dev.echokit.server;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * Checks that each private key a listener loads belongs to the certificate it comes with. A certificate and
 * key rotated one file at a time would otherwise be loaded half new, and every TLS handshake would fail until
 * the other file followed; rejected instead, the old pair serves until both files are new.
 */
final class KeyPairCheck {

  /** The key algorithms a server certificate uses, as Java names them; a key manager is asked for each. */
  private static final List<String> KEY_TYPES = List.of("RSA", "EC", "EdDSA", "Ed25519", "Ed448", "DSA");
  /** A signature algorithm per key algorithm: what a key signs here, its certificate's public key must verify. */
  private static final Map<String, String> SIGNATURES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA",
      "EdDSA", "EdDSA", "Ed25519", "Ed25519", "Ed448", "Ed448", "DSA", "SHA256withDSA");
  private static final byte[] CHALLENGE = "EchoKit key pair check".getBytes(StandardCharsets.US_ASCII);

  private KeyPairCheck() {
  }

  /** Throws when a key of {@code keys} does not match its certificate; keys of other algorithms are not checked. */
  static void check(KeyManagerFactory keys) throws Exception {
    for (KeyManager manager : keys.getKeyManagers()) {
      if (manager instanceof X509KeyManager x509) {
        for (String type : KEY_TYPES) {
          String[] aliases = x509.getServerAliases(type, null);
          for (String alias : aliases == null ? new String[0] : aliases) {
            X509Certificate[] chain = x509.getCertificateChain(alias);
            PrivateKey key = x509.getPrivateKey(alias);
            if (chain != null && chain.length > 0 && key != null && !matches(key, chain[0].getPublicKey())) {
              throw new IllegalArgumentException("the private key does not belong to the certificate "
                  + chain[0].getSubjectX500Principal().getName() + " (were the files rotated one at a time?)");
            }
          }
        }
      }
    }
  }

  private static boolean matches(PrivateKey key, PublicKey certified) throws Exception {
    String algorithm = SIGNATURES.get(key.getAlgorithm());
    if (algorithm == null) {
      // An algorithm this check cannot sign with: no verdict, the handshake will tell.
      return true;
    }
    if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
      return false;
    }
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(CHALLENGE);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certified);
    verifier.update(CHALLENGE);
    return verifier.verify(signature);
  }
}
