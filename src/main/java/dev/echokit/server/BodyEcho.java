package dev.echokit.server;

import dev.echokit.metrics.ListenerMeters;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** Answers {@code POST /echo} with the request's body and Content-Type, or 413 for a body over the limit. */
final class BodyEcho {

  /** What a body without a Content-Type is: bytes, echoed as bytes. */
  static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  /**
   * After a 413 the rest of the body is read and dropped before the connection is closed: closing with
   * unread bytes would send a reset that can destroy the 413 before the client reads it. At most this many
   * bytes are dropped, so a client cannot keep the connection busy by streaming forever.
   */
  static final long DISCARD_LIMIT_BYTES = 1024 * 1024;
  /** …and for at most this long, so a client that stops sending (as after Expect: 100-continue) is closed too. */
  static final long DISCARD_LIMIT_MILLIS = 2000;

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final int maxBodySize;
  private final ListenerMeters meters;
  private final HttpConnectionSlot slot;
  /** Touched on the connection's event loop only. */
  private Buffer body = Buffer.buffer();
  private long discarded = -1;

  private BodyEcho(Vertx vertx, HttpServerRequest request, int maxBodySize, ListenerMeters meters,
                   HttpConnectionSlot slot) {
    this.vertx = vertx;
    this.request = request;
    this.maxBodySize = maxBodySize;
    this.meters = meters;
    this.slot = slot;
  }

  /** Reads the body of {@code request} and answers with it, or with 413 once it outgrows {@code maxBodySize}. */
  static void handle(Vertx vertx, HttpServerRequest request, int maxBodySize, ListenerMeters meters,
                     HttpConnectionSlot slot) {
    BodyEcho echo = new BodyEcho(vertx, request, maxBodySize, meters, slot);
    request.handler(echo::onChunk);
    request.endHandler(v -> echo.onEnd());
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && isOver(declared, maxBodySize)) {
      echo.refuse();
    } else if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      // The client waits for this before sending its body (curl does for large ones).
      request.response().writeContinue();
    }
  }

  private static boolean isOver(String contentLength, int limit) {
    try {
      return Long.parseLong(contentLength.trim()) > limit;
    } catch (NumberFormatException e) {
      // Netty rejects a malformed Content-Length before the request gets here; count as it arrives if not.
      return false;
    }
  }

  private void onChunk(Buffer chunk) {
    // A slow upload is a client that is there: it must not be closed as idle.
    slot.heard();
    if (!slot.received(chunk.length())) {
      // maxConnectionBytes closed the connection: the body will not be echoed.
      return;
    }
    if (discarded >= 0) {
      discarded += chunk.length();
      if (discarded > DISCARD_LIMIT_BYTES) {
        request.connection().close();
      }
    } else if ((long) body.length() + chunk.length() > maxBodySize) {
      refuse();
      discarded += chunk.length();
    } else {
      body.appendBuffer(chunk);
    }
  }

  private void onEnd() {
    if (discarded >= 0) {
      // The whole body has been read: nothing unread left, the connection closes cleanly.
      request.connection().close();
      return;
    }
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    meters.echoed(body.length());
    request.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, type != null ? type : DEFAULT_CONTENT_TYPE)
        .end(body);
  }

  /** Sends 413 now, then drops the rest of the body and closes the connection. */
  private void refuse() {
    discarded = 0;
    body = null;
    HttpServerResponse response = request.response();
    response.setStatusCode(413)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end("request body larger than " + maxBodySize + " bytes (http.maxBodySize)\n");
    // Closing a connection that is already closed does nothing: the timer needs no cancelling.
    vertx.setTimer(DISCARD_LIMIT_MILLIS, t -> request.connection().close());
  }
}
