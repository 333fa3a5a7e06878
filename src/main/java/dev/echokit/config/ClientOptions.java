package dev.echokit.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

import static dev.echokit.config.ServerOptions.checkRange;
import static dev.echokit.config.ServerOptions.checkText;

/**
 * Typed, validated settings of the verifying client. It shares {@code host} and {@code port} with the
 * server so that one config file describes both ends; its own keys live under {@code client.}.
 *
 * @param host             server to connect to
 * @param port             server port
 * @param messages         messages sent one at a time, each echo checked before the next is sent
 * @param payloadBytes     when above 0, send that many random bytes instead of messages and verify them
 * @param stdin            send each line read from standard input, like {@code nc}
 * @param timeoutMillis    longest wait for one complete echo
 * @param connectTimeoutMillis longest wait for the TCP connection
 * @param peer             how to reach the server: TCP, TLS, UDP or WebSocket ({@code client.protocol} …)
 */
public record ClientOptions(String host, int port, List<String> messages, long payloadBytes, boolean stdin,
                            long timeoutMillis, int connectTimeoutMillis, PeerOptions peer) {

  public static final String MESSAGES = "client.messages";
  public static final String PAYLOAD_BYTES = "client.payloadBytes";
  public static final String STDIN = "client.stdin";
  public static final String TIMEOUT = "client.timeout";
  public static final String CONNECT_TIMEOUT = "client.connectTimeout";
  public static final Set<String> KEYS = Settings.union(Set.of(ServerOptions.HOST, ServerOptions.PORT, MESSAGES, PAYLOAD_BYTES, STDIN,
      TIMEOUT, CONNECT_TIMEOUT),
      PeerOptions.keys("client."));

  /** The tutorial client's one message. */
  public static final List<String> DEFAULT_MESSAGES = List.of("Hello, server!");
  /** The client holds the expected bytes in memory to compare them: 1 GiB keeps that within a default heap. */
  public static final long MAX_PAYLOAD_BYTES = 1L << 30;
  public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
  public static final long MAX_TIMEOUT_MILLIS = 3_600_000;
  public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 5_000;
  public static final int MAX_CONNECT_TIMEOUT_MILLIS = 600_000;

  public ClientOptions {
    if (peer == null) {
      throw new ConfigException("invalid peer: expected PeerOptions, e.g. PeerOptions.TCP");
    }
    checkText(ServerOptions.HOST, host);
    checkRange(ServerOptions.PORT, port, 1, 65535);
    messages = List.copyOf(messages);
    if (messages.isEmpty() && payloadBytes == 0 && !stdin) {
      throw new ConfigException("invalid " + MESSAGES + ": expected at least one message (or set "
          + PAYLOAD_BYTES + " or " + STDIN + ")");
    }
    checkRange(PAYLOAD_BYTES, payloadBytes, 0, MAX_PAYLOAD_BYTES);
    checkRange(TIMEOUT, timeoutMillis, 1, MAX_TIMEOUT_MILLIS);
    checkRange(CONNECT_TIMEOUT, connectTimeoutMillis, 1, MAX_CONNECT_TIMEOUT_MILLIS);
  }

  public static ClientOptions defaults() {
    return from(new Settings());
  }

  /** Options from JSON such as {@code {"port": 7, "client": {"messages": ["hi"]}}}. */
  public static ClientOptions fromJson(JsonObject json) {
    return from(Settings.of(json));
  }

  public static ClientOptions from(Settings s) {
    return new ClientOptions(
        s.string(ServerOptions.HOST, ServerOptions.DEFAULT_HOST),
        s.integer(ServerOptions.PORT, ServerOptions.DEFAULT_PORT, 1, 65535),
        s.strings(MESSAGES, DEFAULT_MESSAGES),
        s.number(PAYLOAD_BYTES, 0, 0, MAX_PAYLOAD_BYTES),
        s.bool(STDIN, false),
        s.number(TIMEOUT, DEFAULT_TIMEOUT_MILLIS, 1, MAX_TIMEOUT_MILLIS),
        s.integer(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT_MILLIS, 1, MAX_CONNECT_TIMEOUT_MILLIS),
        PeerOptions.from(s, "client."));
  }

  public ClientOptions withHost(String newHost) {
    return new ClientOptions(newHost, port, messages, payloadBytes, stdin, timeoutMillis, connectTimeoutMillis, peer);
  }

  public ClientOptions withPort(int newPort) {
    return new ClientOptions(host, newPort, messages, payloadBytes, stdin, timeoutMillis, connectTimeoutMillis, peer);
  }

  public ClientOptions withMessages(List<String> newMessages) {
    return new ClientOptions(host, port, newMessages, payloadBytes, stdin, timeoutMillis, connectTimeoutMillis, peer);
  }

  public ClientOptions withPayloadBytes(long newPayloadBytes) {
    return new ClientOptions(host, port, messages, newPayloadBytes, stdin, timeoutMillis, connectTimeoutMillis, peer);
  }

  public ClientOptions withTimeoutMillis(long newTimeoutMillis) {
    return new ClientOptions(host, port, messages, payloadBytes, stdin, newTimeoutMillis, connectTimeoutMillis, peer);
  }

  public ClientOptions withPeer(PeerOptions newPeer) {
    return new ClientOptions(host, port, messages, payloadBytes, stdin, timeoutMillis, connectTimeoutMillis, newPeer);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put(ServerOptions.HOST, host)
        .put(ServerOptions.PORT, port)
        .put("client", new JsonObject()
            .put("messages", new JsonArray(messages))
            .put("payloadBytes", payloadBytes)
            .put("stdin", stdin)
            .put("timeout", timeoutMillis)
            .put("connectTimeout", connectTimeoutMillis)
            .mergeIn(peer.addTo(new JsonObject())));
  }
}
