package dev.echokit.server;

import dev.echokit.metrics.ListenerMeters;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** Echoes each WebSocket message back whole and with its frame type (text as text, binary as binary). */
final class WebSocketEcho {

  private static final Logger log = LoggerFactory.getLogger(WebSocketEcho.class);

  /** RFC 6455 §7.4.1: the endpoint is going away — here, the server is shutting down or a time limit ran out. */
  static final short GOING_AWAY = 1001;
  /** RFC 6455 §7.4.1: the client broke the server's policy — here, it sent more than maxConnectionBytes. */
  static final short POLICY_VIOLATION = 1008;
  /** RFC 6455 §7.4.1: a text message that is not UTF-8. */
  static final short INVALID_PAYLOAD = 1007;
  /** RFC 6455 §7.4.1: a message too big to process. */
  static final short MESSAGE_TOO_BIG = 1009;
  /** A close frame's payload is at most 125 bytes, two of them the code: longer reasons are cut. */
  static final int MAX_REASON_BYTES = 123;

  private final ServerWebSocket ws;
  private final int maxMessageSize;
  private final ListenerMeters meters;
  private final HttpConnectionSlot slot;
  /** The message being assembled and its type; null between messages. Touched on the event loop only. */
  private Buffer message;
  private WebSocketFrameType type;
  /** Whether {@link #message} is a buffer of our own that fragments are appended to. */
  private boolean joined;
  /** Reports bad input instead of replacing it; reused, since one WebSocket's frames come on one event loop. */
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  /** Set once this side has sent its close frame: frames still in flight from the client are dropped. */
  private boolean closing;

  private WebSocketEcho(ServerWebSocket ws, int maxMessageSize, ListenerMeters meters, HttpConnectionSlot slot) {
    this.ws = ws;
    this.maxMessageSize = maxMessageSize;
    this.meters = meters;
    this.slot = slot;
  }

  /**
   * Starts echoing on {@code ws}, the upgraded connection of {@code slot}; {@code writeQueueMaxSize} bytes may
   * wait to be written before reads pause. From now on a broken connection limit closes it with 1001, and so
   * does the server's shutdown, unless {@code keptByRetiredInstance} says a reload retired its instance.
   */
  static WebSocketEcho start(ServerWebSocket ws, int maxMessageSize, int writeQueueMaxSize, ListenerMeters meters,
                             HttpConnectionSlot slot, BooleanSupplier keptByRetiredInstance) {
    WebSocketEcho echo = new WebSocketEcho(ws, maxMessageSize, meters, slot);
    slot.closeWith((limit, reason) -> echo.close(limit == LimitReason.MAX_CONNECTION_BYTES ? POLICY_VIOLATION
        : GOING_AWAY, reason + " (" + limit.key + ")"));
    ws.setWriteQueueMaxSize(writeQueueMaxSize);
    // Messages are joined here, not by Vert.x's textMessageHandler/binaryMessageHandler: when a message outgrows
    // the limit those only report an exception and leave the WebSocket open, where RFC 6455 asks for 1009.
    // Pings are answered by Vert.x, and a client's close frame is answered with the same code and reason.
    ws.frameHandler(echo::onFrame);
    ws.exceptionHandler(echo::onError);
    // Reads pause while the client is not taking its echoes; they resume once the queue has drained.
    ws.drainHandler(v -> ws.resume());
    // Without a shutdown handler Vert.x would hold the WebSocket until the shutdown timeout and then drop it.
    // An instance retired by a reload stops accepting but keeps its WebSockets echoing until they end.
    ws.shutdownHandler(v -> {
      if (!keptByRetiredInstance.getAsBoolean()) {
        echo.shutDown();
      }
    });
    return echo;
  }

  /** Closes with 1001: the server is stopping. */
  void shutDown() {
    close(GOING_AWAY, "server shutting down");
  }

  private void onFrame(WebSocketFrame frame) {
    // Every frame counts as the client being there, pings included.
    slot.heard();
    if (closing) {
      return;
    }
    Buffer part = frame.binaryData();
    boolean data = frame.isText() || frame.isBinary() || frame.isContinuation();
    if (data && !slot.received(part.length())) {
      return;
    }
    switch (frame.type()) {
      case TEXT, BINARY -> {
        type = frame.type();
        message = part;
        joined = false;
      }
      case CONTINUATION -> {
        if (message == null) {
          // Netty's decoder refuses a continuation outside a message before it gets here.
          return;
        }
        if ((long) message.length() + part.length() > maxMessageSize) {
          close(MESSAGE_TOO_BIG, "message larger than " + maxMessageSize + " bytes");
          return;
        }
        if (!joined) {
          // The first fragment's buffer is the frame's own: copy it once into one that can grow.
          message = Buffer.buffer(message.length() + part.length()).appendBuffer(message);
          joined = true;
        }
        message.appendBuffer(part);
      }
      default -> {
        // Ping, pong and close are handled by Vert.x.
        return;
      }
    }
    if (message.length() > maxMessageSize) {
      close(MESSAGE_TOO_BIG, "message larger than " + maxMessageSize + " bytes");
    } else if (frame.isFinal()) {
      echo();
    }
  }

  private void echo() {
    Buffer whole = message;
    WebSocketFrameType wholeType = type;
    message = null;
    type = null;
    if (wholeType == WebSocketFrameType.TEXT) {
      String text;
      try {
        // Vert.x's handshake leaves Netty's UTF-8 check out of the pipeline: check here, strictly, because a
        // lenient decode would echo replacement characters instead of the bytes sent. Valid UTF-8 decodes and
        // encodes back to the very same bytes.
        text = utf8.decode(ByteBuffer.wrap(whole.getBytes())).toString();
      } catch (CharacterCodingException e) {
        close(INVALID_PAYLOAD, "text message is not valid UTF-8");
        return;
      }
      meters.echoed(whole.length());
      ws.writeTextMessage(text);
    } else {
      meters.echoed(whole.length());
      ws.writeBinaryMessage(whole);
    }
    if (ws.writeQueueFull()) {
      ws.pause();
    }
  }

  private void onError(Throwable err) {
    if (err instanceof CorruptedWebSocketFrameException bad) {
      // Netty refused a frame (too large, bad framing) and now discards what follows: close
      // with the code it chose, as RFC 6455 asks; Vert.x only reports it.
      close((short) bad.closeStatus().code(), bad.getMessage());
    } else if (String.valueOf(err.getMessage()).contains("Connection reset")) {
      log.debug("{} reset the WebSocket", ws.remoteAddress());
    } else {
      log.debug("{} WebSocket error: {}", ws.remoteAddress(), err.toString());
    }
  }

  private void close(short code, String reason) {
    if (closing || ws.isClosed()) {
      return;
    }
    closing = true;
    message = null;
    log.debug("{} WebSocket closed with {}: {}", ws.remoteAddress(), code, reason);
    ws.close(code, truncate(reason));
  }

  /** Cuts {@code reason} to what fits in a close frame, on a character boundary. */
  static String truncate(String reason) {
    if (reason == null || reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
      return reason;
    }
    StringBuilder cut = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < reason.length(); ) {
      int cp = reason.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + n > MAX_REASON_BYTES) {
        break;
      }
      cut.appendCodePoint(cp);
      bytes += n;
      i += Character.charCount(cp);
    }
    return cut.toString();
  }
}
