package dev.echokit.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Typed, validated TLS settings of one listener: where its certificate comes from and whether clients
 * must present one. Protocol versions and cipher suites are the JDK's defaults (TLS 1.2 and 1.3).
 *
 * @param certPath         PEM certificate chain, with {@code keyPath}
 * @param keyPath          PEM private key (PKCS#8 or PKCS#1) of {@code certPath}
 * @param keyStorePath     PKCS#12 key store holding the key and its chain, instead of the two PEM files
 * @param keyStorePassword password of {@code keyStorePath}
 * @param selfSigned       generate a throw-away certificate for the listener's host at start-up (development)
 * @param clientAuth       whether clients must present a certificate signed by {@code trustPath} (mTLS)
 * @param trustPath        PEM file of the certificates that client certificates must chain to
 */
public record TlsOptions(String certPath, String keyPath, String keyStorePath, String keyStorePassword,
                         boolean selfSigned, ClientAuth clientAuth, String trustPath) {

  /** Whether the listener asks clients for a certificate. */
  public enum ClientAuth {
    NONE, REQUEST, REQUIRED;

    static final List<String> NAMES = List.of("none", "request", "required");
  }

  public static final String CERT_PATH = "tls.certPath";
  public static final String KEY_PATH = "tls.keyPath";
  public static final String KEY_STORE_PATH = "tls.keyStorePath";
  public static final String KEY_STORE_PASSWORD = "tls.keyStorePassword";
  public static final String SELF_SIGNED = "tls.selfSigned";
  public static final String CLIENT_AUTH = "tls.clientAuth";
  public static final String TRUST_PATH = "tls.trustPath";
  /** Keys inside one listener entry. */
  public static final Set<String> KEYS = Set.of(CERT_PATH, KEY_PATH, KEY_STORE_PATH, KEY_STORE_PASSWORD, SELF_SIGNED,
      CLIENT_AUTH, TRUST_PATH);

  /** A development certificate generated at start-up: what {@code conf/all-protocols.json} uses. */
  public static final TlsOptions SELF_SIGNED_DEV = new TlsOptions(null, null, null, null, true, ClientAuth.NONE, null);

  public TlsOptions {
    int sources = (certPath != null || keyPath != null ? 1 : 0) + (keyStorePath != null ? 1 : 0) + (selfSigned ? 1 : 0);
    if (sources != 1) {
      throw new ConfigException("invalid tls: expected exactly one certificate source — " + CERT_PATH + " with "
          + KEY_PATH + " (PEM), or " + KEY_STORE_PATH + " (PKCS#12), or " + SELF_SIGNED + ": true");
    }
    if ((certPath == null) != (keyPath == null)) {
      throw new ConfigException("invalid tls: " + CERT_PATH + " and " + KEY_PATH + " go together (a PEM certificate "
          + "chain and its private key)");
    }
    if (clientAuth == null) {
      throw new ConfigException("invalid " + CLIENT_AUTH + ": expected one of " + String.join(", ", ClientAuth.NAMES));
    }
    if (clientAuth != ClientAuth.NONE && trustPath == null) {
      throw new ConfigException("invalid tls: " + CLIENT_AUTH + " = " + clientAuth.name().toLowerCase()
          + " needs " + TRUST_PATH + " (PEM certificates that client certificates must chain to)");
    }
  }

  /** The {@code tls} block of the listener entry whose keys start with {@code prefix}. */
  static TlsOptions from(Settings s, String prefix) {
    return new TlsOptions(
        readable(s, prefix + CERT_PATH),
        readable(s, prefix + KEY_PATH),
        readable(s, prefix + KEY_STORE_PATH),
        s.string(prefix + KEY_STORE_PASSWORD, null),
        s.bool(prefix + SELF_SIGNED, false),
        ClientAuth.valueOf(s.choice(prefix + CLIENT_AUTH, "none", ClientAuth.NAMES).toUpperCase()),
        readable(s, prefix + TRUST_PATH));
  }

  /** A file the server will read: checked now, so that a typo is one line at start-up or reload, not a TLS error later. */
  private static String readable(Settings s, String key) {
    String path = s.string(key, null);
    if (path != null && !Files.isReadable(Path.of(path))) {
      throw s.invalid(key, path, "a readable file (relative paths start from " + Path.of("").toAbsolutePath() + ")");
    }
    return path;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    putIf(json, "certPath", certPath);
    putIf(json, "keyPath", keyPath);
    putIf(json, "keyStorePath", keyStorePath);
    putIf(json, "keyStorePassword", keyStorePassword);
    if (selfSigned) {
      json.put("selfSigned", true);
    }
    json.put("clientAuth", clientAuth.name().toLowerCase());
    putIf(json, "trustPath", trustPath);
    return json;
  }

  private static void putIf(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
