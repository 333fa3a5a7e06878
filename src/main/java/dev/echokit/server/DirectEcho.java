package dev.echokit.server;

import io.vertx.core.net.NetSocket;

/** Echoes each read by writing Netty's pooled buffer straight back: no copy, backpressure by pausing reads. */
final class DirectEcho {

  private DirectEcho() {
  }

  static void start(NetSocket socket, ServedConnection connection) {
    SocketInternals.endOfInputAsEmptyRead(socket);
    SocketInternals.onByteBuf(socket, buf -> {
      if (!buf.isReadable()) {
        buf.release();
        SocketInternals.closeAfterWrites(socket);
        return;
      }
      connection.onRead(buf.readableBytes());
      SocketInternals.write(socket, buf);
      if (socket.writeQueueFull()) {
        socket.pause();
      }
    });
    socket.drainHandler(v -> socket.resume());
  }
}
