package dev.echokit.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

import static dev.echokit.config.ServerOptions.checkRange;

/**
 * Typed, validated settings of an HTTP listener: the WebSocket echo path and the size bounds that keep one
 * client from making the server buffer without limit.
 *
 * @param webSocketPath       where WebSocket upgrades are accepted; each message is echoed with its frame type
 * @param maxMessageSize      largest WebSocket message (all its fragments) echoed; larger ones close with 1009
 * @param maxFrameSize        largest single WebSocket frame accepted
 * @param maxBodySize         largest {@code POST /echo} body; larger ones get 413
 */
public record HttpOptions(String webSocketPath, int maxMessageSize, int maxFrameSize, int maxBodySize) {

  public static final String WEB_SOCKET_PATH = "http.webSocketPath";
  public static final String MAX_MESSAGE_SIZE = "http.maxMessageSize";
  public static final String MAX_FRAME_SIZE = "http.maxFrameSize";
  public static final String MAX_BODY_SIZE = "http.maxBodySize";
  /** Keys inside one listener entry. */
  public static final Set<String> KEYS = Set.of(WEB_SOCKET_PATH, MAX_MESSAGE_SIZE, MAX_FRAME_SIZE, MAX_BODY_SIZE);

  public static final String DEFAULT_WEB_SOCKET_PATH = "/ws";
  /** A whole message is held in memory before it is echoed (its frame type must be kept): one MiB per connection. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
  /**
   * As large as a message: browsers and Node.js send each message as one frame, so a smaller frame limit would
   * refuse their messages that the message limit allows; it costs nothing more, as a whole message is held anyway.
   */
  public static final int DEFAULT_MAX_FRAME_SIZE = DEFAULT_MAX_MESSAGE_SIZE;
  /** A body is held in memory to answer with its length: one MiB per request. */
  public static final int DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
  /** Bounds what one connection may make the server hold. */
  public static final int MAX_SIZE = 64 * 1024 * 1024;

  public static final HttpOptions DEFAULTS = new HttpOptions(DEFAULT_WEB_SOCKET_PATH, DEFAULT_MAX_MESSAGE_SIZE,
      DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_BODY_SIZE);

  public HttpOptions {
    if (webSocketPath == null || !webSocketPath.startsWith("/") || webSocketPath.equals("/")
        || webSocketPath.equals("/echo")) {
      throw new ConfigException("invalid " + WEB_SOCKET_PATH + " = \"" + webSocketPath + "\": expected a path that "
          + "starts with / and is neither / (the page) nor /echo (the POST echo), e.g. /ws");
    }
    checkRange(MAX_MESSAGE_SIZE, maxMessageSize, 1, MAX_SIZE);
    checkRange(MAX_FRAME_SIZE, maxFrameSize, 125, MAX_SIZE);
    checkRange(MAX_BODY_SIZE, maxBodySize, 0, MAX_SIZE);
  }

  /** The {@code http} block of the listener entry whose keys start with {@code prefix}. */
  static HttpOptions from(Settings s, String prefix) {
    return new HttpOptions(
        s.string(prefix + WEB_SOCKET_PATH, DEFAULT_WEB_SOCKET_PATH),
        s.integer(prefix + MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGE_SIZE, 1, MAX_SIZE),
        s.integer(prefix + MAX_FRAME_SIZE, DEFAULT_MAX_FRAME_SIZE, 125, MAX_SIZE),
        s.integer(prefix + MAX_BODY_SIZE, DEFAULT_MAX_BODY_SIZE, 0, MAX_SIZE));
  }

  JsonObject toJson() {
    return new JsonObject().put("webSocketPath", webSocketPath).put("maxMessageSize", maxMessageSize)
        .put("maxFrameSize", maxFrameSize).put("maxBodySize", maxBodySize);
  }
}
