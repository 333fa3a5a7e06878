package dev.echokit.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** One accepted connection's running state: bytes read so far, and its close once the server drains. */
final class ServedConnection {

  /**
   * A draining connection is closed once it has read nothing for this long with its echoes written: long
   * enough for bytes already in the kernel to be read once reads resume, short enough not to hold shutdown.
   */
  static final long QUIET_MILLIS = 100;

  private final Vertx vertx;
  private final NetSocket socket;
  /** Written and read on the connection's event loop only. */
  private long received;
  private boolean open = true;

  ServedConnection(Vertx vertx, NetSocket socket) {
    this.vertx = vertx;
    this.socket = socket;
  }

  /** Called by the echo modes once per read, before its bytes are written back. */
  void onRead(int bytes) {
    received += bytes;
  }

  long received() {
    return received;
  }

  void closed() {
    open = false;
  }

  /**
   * The server is shutting down: keep echoing, and close as soon as the client has been quiet for
   * {@link #QUIET_MILLIS} and every echo has been written. A client that keeps sending, or never reads,
   * is closed by Vert.x when the shutdown timeout runs out.
   */
  void closeWhenQuiet() {
    long seen = received;
    vertx.setTimer(QUIET_MILLIS, t -> {
      if (!open) {
        return;
      }
      if (received != seen || socket.writeQueueFull()) {
        closeWhenQuiet();
        return;
      }
      // An empty write completes once every echo queued before it has reached the kernel.
      socket.write(Buffer.buffer()).onSuccess(v -> {
        if (received == seen) {
          socket.close();
        } else {
          closeWhenQuiet();
        }
      });
    });
  }
}
