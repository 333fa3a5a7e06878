package dev.echokit.server;

import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;

import java.util.List;

/**
 * A listener that is serving: its options (with the top-level host, port and instances filled in) and the
 * port it bound, which differs from the configured one when that was 0.
 */
public record BoundListener(ListenerOptions options, int port) {

  /** Where clients reach it: {@code tcp://localhost:12345}; an HTTP listener has its page and its WebSocket URL. */
  public List<String> urls() {
    String authority = options.host() + ":" + port;
    if (options.protocol() == Protocol.HTTP) {
      String ws = options.tls() == null ? "ws" : "wss";
      return List.of(options.scheme() + "://" + authority + "/", ws + "://" + authority + options.http().webSocketPath());
    }
    return List.of(options.scheme() + "://" + authority);
  }
}
