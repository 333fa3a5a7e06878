package dev.echokit.server;

import io.vertx.core.net.NetSocket;

/**
 * Echoes through Vert.x's public NetSocket API, as {@code socket.pipeTo(socket)} does: write each Buffer,
 * pause while the write queue is full, resume on drain. Written out because pipeTo closes the connection
 * as soon as the client half-closes, dropping echoes not yet written; here the end of input closes it only
 * after the last echo.
 */
final class PipeEcho {

  private PipeEcho() {
  }

  static void start(NetSocket socket, ServedConnection connection) {
    SocketInternals.endOfInputAsEmptyRead(socket);
    socket.handler(buf -> {
      if (buf.length() == 0) {
        SocketInternals.closeAfterWrites(socket);
        return;
      }
      connection.onRead(buf.length());
      socket.write(buf);
      if (socket.writeQueueFull()) {
        socket.pause();
      }
    });
    socket.drainHandler(v -> socket.resume());
  }
}
