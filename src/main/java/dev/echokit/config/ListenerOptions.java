package dev.echokit.config;

import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, validated settings of one listener: its protocol, address and instances, and the settings only
 * that protocol has. An entry that leaves out host, port or instances takes the server's top-level ones.
 *
 * @param protocol  what the listener speaks
 * @param host      address to bind, or null for the top-level {@code host}
 * @param port      port to bind (0: any free port), or {@link #INHERIT} for the top-level {@code port}
 * @param instances verticles accepting on this address (one per event loop), or {@link #INHERIT} for the top-level one
 * @param tls       certificate settings: required by {@code tls}, optional for {@code http} (then https), else null
 * @param udp       datagram limits of a {@code udp} listener, else null
 * @param http      WebSocket and body limits of an {@code http} listener, else null
 */
public record ListenerOptions(Protocol protocol, String host, int port, int instances, TlsOptions tls,
                              UdpOptions udp, HttpOptions http) {

  /** What a listener speaks. */
  public enum Protocol {
    /** RFC 862 over TCP: bytes in, the same bytes out. */
    TCP,
    /** The TCP echo inside TLS. */
    TLS,
    /** RFC 862 over UDP: each datagram is sent back to its source. */
    UDP,
    /** HTTP/1.1: WebSocket echo, {@code POST /echo} and the browser page at {@code /}. */
    HTTP;

    static final List<String> NAMES = List.of("tcp", "tls", "udp", "http");

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** TCP, TLS and HTTP accept connections; two of them cannot share a port, though a UDP listener can. */
    public boolean stream() {
      return this != UDP;
    }
  }

  /** Marks a port or instance count left to the top-level setting. */
  public static final int INHERIT = -1;

  public static final String KEY = "listeners";
  public static final String PROTOCOL = "protocol";
  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String INSTANCES = "instances";
  /** Keys inside one listener entry. */
  public static final Set<String> ENTRY_KEYS = Settings.union(Set.of(PROTOCOL, HOST, PORT, INSTANCES), TlsOptions.KEYS,
      UdpOptions.KEYS, HttpOptions.KEYS);

  public ListenerOptions {
    if (protocol == null) {
      throw new ConfigException("invalid listener: expected a protocol, one of " + String.join(", ", Protocol.NAMES));
    }
    if (host != null && host.isBlank()) {
      throw new ConfigException("invalid listener host: expected a non-empty string");
    }
    if (port != INHERIT) {
      ServerOptions.checkRange(PORT, port, 0, 65535);
    }
    if (instances != INHERIT) {
      ServerOptions.checkRange(INSTANCES, instances, 1, ServerOptions.MAX_INSTANCES);
    }
    if (protocol == Protocol.TLS && tls == null) {
      throw new ConfigException("invalid tls listener: it needs a tls block, e.g. \"tls\": {\"selfSigned\": true} "
          + "or {\"certPath\": …, \"keyPath\": …}");
    }
    if (tls != null && protocol != Protocol.TLS && protocol != Protocol.HTTP) {
      throw new ConfigException("invalid " + protocol.key() + " listener: a tls block belongs to protocol tls "
          + "(TCP echo inside TLS) or http (then https and wss)");
    }
    if (protocol == Protocol.UDP && instances > 1) {
      throw new ConfigException("invalid udp listener: instances = " + instances + ", expected 1 — Vert.x does not "
          + "spread one UDP port over several event loops; add another udp listener on another port instead");
    }
    if ((udp != null) != (protocol == Protocol.UDP) || (http != null) != (protocol == Protocol.HTTP)) {
      throw new ConfigException("invalid " + protocol.key() + " listener: udp settings belong to udp listeners "
          + "and http settings to http listeners");
    }
  }

  /** A plain TCP echo listener. */
  public static ListenerOptions tcp(String host, int port, int instances) {
    return new ListenerOptions(Protocol.TCP, host, port, instances, null, null, null);
  }

  /** A listener of {@code protocol} with that protocol's default settings (self-signed TLS for {@code tls}). */
  public static ListenerOptions of(Protocol protocol, String host, int port) {
    return new ListenerOptions(protocol, host, port, INHERIT, protocol == Protocol.TLS ? TlsOptions.SELF_SIGNED_DEV : null,
        protocol == Protocol.UDP ? UdpOptions.DEFAULTS : null, protocol == Protocol.HTTP ? HttpOptions.DEFAULTS : null);
  }

  /** One entry of {@code listeners}; its keys start with {@code listeners[i].}. */
  static ListenerOptions from(Settings s, String prefix) {
    Set<String> known = new HashSet<>();
    ENTRY_KEYS.forEach(k -> known.add(prefix + k));
    List<String> unknown = s.unknownKeys(known);
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown key " + unknown.get(0) + " in a listener: expected one of "
          + String.join(", ", new java.util.TreeSet<>(ENTRY_KEYS)));
    }
    if (!s.has(prefix + PROTOCOL)) {
      throw new ConfigException("invalid " + prefix + PROTOCOL + ": missing, expected one of "
          + String.join(", ", Protocol.NAMES));
    }
    Protocol protocol = Protocol.valueOf(s.choice(prefix + PROTOCOL, "tcp", Protocol.NAMES).toUpperCase(Locale.ROOT));
    boolean hasTls = s.keys().stream().anyMatch(k -> k.startsWith(prefix + "tls."));
    boolean hasUdp = s.keys().stream().anyMatch(k -> k.startsWith(prefix + "udp."));
    boolean hasHttp = s.keys().stream().anyMatch(k -> k.startsWith(prefix + "http."));
    if (hasUdp && protocol != Protocol.UDP || hasHttp && protocol != Protocol.HTTP
        || hasTls && protocol != Protocol.TLS && protocol != Protocol.HTTP) {
      throw new ConfigException("invalid " + prefix.substring(0, prefix.length() - 1) + ": a " + protocol.key()
          + " listener takes none of the " + (hasTls ? "tls" : hasUdp ? "udp" : "http") + " settings");
    }
    if (protocol == Protocol.TLS && !hasTls) {
      throw new ConfigException("invalid " + prefix + "tls: missing — a tls listener needs \"tls\": "
          + "{\"selfSigned\": true} or {\"certPath\": …, \"keyPath\": …}");
    }
    try {
      return new ListenerOptions(protocol,
          s.string(prefix + HOST, null),
          s.integer(prefix + PORT, INHERIT, 0, 65535),
          s.integer(prefix + INSTANCES, INHERIT, 1, ServerOptions.MAX_INSTANCES),
          hasTls ? TlsOptions.from(s, prefix) : null,
          protocol == Protocol.UDP ? UdpOptions.from(s, prefix) : null,
          protocol == Protocol.HTTP ? HttpOptions.from(s, prefix) : null);
    } catch (ConfigException e) {
      String message = e.getMessage();
      // Record checks name a key without its entry: add it, so the user knows which listener is wrong.
      String entry = prefix.substring(0, prefix.length() - 1);
      throw new ConfigException(message.contains(prefix) ? message
          : message.matches("^invalid (\\w+ )?listener\\b.*")
          ? message.replaceFirst("^invalid (\\w+ )?listener", "invalid " + entry)
          : message.replaceFirst("^invalid ", "invalid " + prefix));
    }
  }

  /** This entry with the top-level host, port and instances filled in where it left them out. */
  public ListenerOptions resolve(String defaultHost, int defaultPort, int defaultInstances) {
    return new ListenerOptions(protocol, host != null ? host : defaultHost, port != INHERIT ? port : defaultPort,
        protocol == Protocol.UDP ? 1 : instances != INHERIT ? instances : defaultInstances, tls, udp, http);
  }

  /** The URL scheme of this listener: tcp, tls, udp, http or https. */
  public String scheme() {
    return protocol == Protocol.HTTP && tls != null ? "https" : protocol.key();
  }

  public ListenerOptions withPort(int newPort) {
    return new ListenerOptions(protocol, host, newPort, instances, tls, udp, http);
  }

  public ListenerOptions withTls(TlsOptions newTls) {
    return new ListenerOptions(protocol, host, port, instances, newTls, udp, http);
  }

  public ListenerOptions withUdp(UdpOptions newUdp) {
    return new ListenerOptions(protocol, host, port, instances, tls, newUdp, http);
  }

  public ListenerOptions withHttp(HttpOptions newHttp) {
    return new ListenerOptions(protocol, host, port, instances, tls, udp, newHttp);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put(PROTOCOL, protocol.key());
    if (host != null) {
      json.put(HOST, host);
    }
    if (port != INHERIT) {
      json.put(PORT, port);
    }
    if (instances != INHERIT) {
      json.put(INSTANCES, instances);
    }
    if (tls != null) {
      json.put("tls", tls.toJson());
    }
    if (udp != null) {
      json.put("udp", udp.toJson());
    }
    if (http != null) {
      json.put("http", http.toJson());
    }
    return json;
  }
}
