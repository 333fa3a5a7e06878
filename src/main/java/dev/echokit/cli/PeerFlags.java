package dev.echokit.cli;

import dev.echokit.config.ConfigException;
import dev.echokit.config.PeerOptions;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

/** The flags that choose how the client or the load generator reaches the server: TCP, TLS, UDP or WebSocket. */
final class PeerFlags {

  @Option(names = "--tls", description = "Speak TLS (to a tls listener; with --ws, wss://). Host names are verified.")
  boolean tls;

  @Option(names = "--trust", paramLabel = "PEM",
      description = "Trust the certificates in this PEM file (e.g. the server's own), instead of the JDK's CAs.")
  String trust;

  @Option(names = "--insecure", description = "Accept any server certificate and host name (self-signed dev servers).")
  boolean insecure;

  @Option(names = "--cert", paramLabel = "PEM",
      description = "With --tls, present this client certificate to servers that require one (mTLS); needs --key.")
  String cert;

  @Option(names = "--key", paramLabel = "PEM", description = "The private key of --cert (PKCS#8, or RSA or EC PEM).")
  String key;

  @Option(names = "--udp", description = "Send UDP datagrams; echoes missing after --loss-timeout are counted as lost.")
  boolean udp;

  @Option(names = "--ws", description = "Use a WebSocket to an http listener: each message is one frame, text for "
      + "messages and lines, binary for --payload and the load generator; the echo must come back as the same type.")
  boolean ws;

  @Option(names = "--ws-path", paramLabel = "PATH", description = "The server's WebSocket path (default: /ws).")
  String wsPath;

  @Option(names = "--loss-timeout", paramLabel = "MS",
      description = "With --udp, a datagram not echoed within MS is lost (default: 1000).")
  Long lossTimeoutMillis;

  /** Adds the flags given to a {@code client} or {@code bench} config section. */
  JsonObject addTo(JsonObject section) {
    if (udp && ws) {
      throw new ConfigException("--udp and --ws exclude each other: choose one transport");
    }
    if (udp) {
      section.put(PeerOptions.PROTOCOL, "udp");
    }
    if (ws) {
      section.put(PeerOptions.PROTOCOL, "ws");
    }
    if (tls) {
      section.put(PeerOptions.TLS, true);
    }
    if (trust != null) {
      section.put(PeerOptions.TRUST, trust);
    }
    if (insecure) {
      section.put(PeerOptions.INSECURE, true);
    }
    if (cert != null) {
      section.put(PeerOptions.CERT, cert);
    }
    if (key != null) {
      section.put(PeerOptions.KEY, key);
    }
    if (wsPath != null) {
      section.put(PeerOptions.WEB_SOCKET_PATH, wsPath);
    }
    if (lossTimeoutMillis != null) {
      section.put(PeerOptions.LOSS_TIMEOUT, lossTimeoutMillis);
    }
    return section;
  }
}
