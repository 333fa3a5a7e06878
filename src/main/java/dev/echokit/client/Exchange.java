package dev.echokit.client;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** One connection that echoes one message at a time, whatever carries it: TCP, TLS or a WebSocket. */
interface Exchange {

  /**
   * Sends {@code data} as one message and completes once exactly the same came back; {@code text} asks for a text
   * message where the transport tells text from binary (WebSocket), and is ignored by byte streams.
   */
  Future<Void> roundTrip(Buffer data, boolean text);

  /** Closes the connection. */
  Future<Void> close();
}
