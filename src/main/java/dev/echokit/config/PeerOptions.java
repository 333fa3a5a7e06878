package dev.echokit.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, validated settings of how the client or the load generator reaches the server: over TCP (optionally
 * inside TLS), UDP or a WebSocket. The client's keys are {@code client.protocol} …, the load generator's
 * {@code bench.protocol} ….
 *
 * @param transport         what carries the echoes
 * @param tls               wrap TCP in TLS, or use {@code wss://} for a WebSocket
 * @param trustPath         PEM certificates the server's certificate must chain to; null: the JDK's trusted CAs
 * @param insecure          accept any server certificate and host name (self-signed development servers)
 * @param webSocketPath     the server's WebSocket path
 * @param lossTimeoutMillis a UDP datagram whose echo has not come back this long is counted as lost
 * @param certPath          PEM client certificate to present to a server that asks for one (mTLS), with {@code keyPath}
 * @param keyPath           PEM private key of {@code certPath}
 */
public record PeerOptions(Transport transport, boolean tls, String trustPath, boolean insecure, String webSocketPath,
                          long lossTimeoutMillis, String certPath, String keyPath) {

  /** What carries the echoes. */
  public enum Transport {
    TCP, UDP, WS;

    static final List<String> NAMES = List.of("tcp", "udp", "ws");

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final String PROTOCOL = "protocol";
  public static final String TLS = "tls";
  public static final String TRUST = "trust";
  public static final String INSECURE = "insecure";
  public static final String WEB_SOCKET_PATH = "wsPath";
  public static final String LOSS_TIMEOUT = "lossTimeout";
  public static final String CERT = "cert";
  public static final String KEY = "key";
  /** Keys after the {@code client.} or {@code bench.} prefix. */
  static final Set<String> RELATIVE_KEYS = Set.of(PROTOCOL, TLS, TRUST, INSECURE, WEB_SOCKET_PATH, LOSS_TIMEOUT, CERT,
      KEY);

  /**
   * A loopback echo comes back in well under a millisecond; a second allows for a loaded machine and still
   * reports a lost datagram quickly.
   */
  public static final long DEFAULT_LOSS_TIMEOUT_MILLIS = 1000;
  public static final long MAX_LOSS_TIMEOUT_MILLIS = 60_000;

  public static final PeerOptions TCP = new PeerOptions(Transport.TCP, false, null, false,
      HttpOptions.DEFAULT_WEB_SOCKET_PATH, DEFAULT_LOSS_TIMEOUT_MILLIS, null, null);

  public PeerOptions {
    if (transport == null) {
      throw new ConfigException("invalid " + PROTOCOL + ": expected one of " + String.join(", ", Transport.NAMES));
    }
    if (tls && transport == Transport.UDP) {
      throw new ConfigException("invalid " + TLS + " = true with protocol udp: EchoKit has no DTLS; use tcp or ws");
    }
    if ((insecure || trustPath != null) && !tls) {
      throw new ConfigException("invalid " + (insecure ? INSECURE : TRUST) + ": it applies to TLS only — add --tls "
          + "(or set " + TLS + ": true)");
    }
    if (insecure && trustPath != null) {
      throw new ConfigException("invalid " + INSECURE + " with " + TRUST + ": choose one — check the certificate "
          + "against the trust file, or accept any certificate");
    }
    if (webSocketPath == null || !webSocketPath.startsWith("/")) {
      throw new ConfigException("invalid " + WEB_SOCKET_PATH + " = \"" + webSocketPath + "\": expected a path that "
          + "starts with /, e.g. /ws");
    }
    ServerOptions.checkRange(LOSS_TIMEOUT, lossTimeoutMillis, 1, MAX_LOSS_TIMEOUT_MILLIS);
    if ((certPath == null) != (keyPath == null)) {
      throw new ConfigException("invalid " + (certPath == null ? CERT : KEY) + ": missing — --cert and --key go "
          + "together (a PEM client certificate and its private key)");
    }
    if (certPath != null && !tls) {
      throw new ConfigException("invalid " + CERT + ": a client certificate applies to TLS only — add --tls (or set "
          + TLS + ": true)");
    }
  }

  /** The keys under {@code prefix} ({@code client.} or {@code bench.}). */
  static Set<String> keys(String prefix) {
    return Set.copyOf(RELATIVE_KEYS.stream().map(k -> prefix + k).toList());
  }

  static PeerOptions from(Settings s, String prefix) {
    String trust = readable(s, prefix + TRUST);
    String cert = readable(s, prefix + CERT);
    String key = readable(s, prefix + KEY);
    try {
      return new PeerOptions(
          Transport.valueOf(s.choice(prefix + PROTOCOL, "tcp", Transport.NAMES).toUpperCase(Locale.ROOT)),
          s.bool(prefix + TLS, false),
          trust,
          s.bool(prefix + INSECURE, false),
          s.string(prefix + WEB_SOCKET_PATH, HttpOptions.DEFAULT_WEB_SOCKET_PATH),
          s.number(prefix + LOSS_TIMEOUT, DEFAULT_LOSS_TIMEOUT_MILLIS, 1, MAX_LOSS_TIMEOUT_MILLIS),
          cert,
          key);
    } catch (ConfigException e) {
      // Record checks name the key without its section; Settings' own errors already carry it.
      throw e.getMessage().startsWith("invalid " + prefix) ? e
          : new ConfigException(e.getMessage().replaceFirst("^invalid ", "invalid " + prefix));
    }
  }

  /** A PEM file the client will read: checked now, so that a typo is one line before connecting. */
  private static String readable(Settings s, String key) {
    String path = s.string(key, null);
    if (path != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(path))) {
      throw s.invalid(key, path, "a readable PEM file");
    }
    return path;
  }

  /** What the start-up and report lines show: {@code tcp}, {@code tls}, {@code udp}, {@code ws} or {@code wss}. */
  public String scheme() {
    return switch (transport) {
      case TCP -> tls ? "tls" : "tcp";
      case UDP -> "udp";
      case WS -> tls ? "wss" : "ws";
    };
  }

  public PeerOptions withTransport(Transport newTransport) {
    return new PeerOptions(newTransport, tls, trustPath, insecure, webSocketPath, lossTimeoutMillis, certPath, keyPath);
  }

  public PeerOptions withTls(boolean newTls, String newTrustPath, boolean newInsecure) {
    return new PeerOptions(transport, newTls, newTrustPath, newInsecure, webSocketPath, lossTimeoutMillis, certPath,
        keyPath);
  }

  /** Presents this PEM certificate and key to servers that ask for one; null and null present none. */
  public PeerOptions withClientCertificate(String newCertPath, String newKeyPath) {
    return new PeerOptions(transport, tls, trustPath, insecure, webSocketPath, lossTimeoutMillis, newCertPath,
        newKeyPath);
  }

  public PeerOptions withWebSocketPath(String newPath) {
    return new PeerOptions(transport, tls, trustPath, insecure, newPath, lossTimeoutMillis, certPath, keyPath);
  }

  JsonObject addTo(JsonObject section) {
    section.put(PROTOCOL, transport.key()).put(TLS, tls).put(INSECURE, insecure).put(WEB_SOCKET_PATH, webSocketPath)
        .put(LOSS_TIMEOUT, lossTimeoutMillis);
    if (trustPath != null) {
      section.put(TRUST, trustPath);
    }
    if (certPath != null) {
      section.put(CERT, certPath).put(KEY, keyPath);
    }
    return section;
  }
}
