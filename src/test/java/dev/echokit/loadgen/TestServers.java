package dev.echokit.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small Vert.x servers on 127.0.0.1 and a random port for the load generator to run against, independent of
 * EchoKit's own server: a plain echo, and echoes that go wrong in one precise way.
 */
final class TestServers {

  /** Bytes every server here has received; read it once the run is over. */
  final AtomicLong received = new AtomicLong();
  private final Vertx vertx;

  TestServers(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Echoes everything, with backpressure. */
  Future<NetServer> echo() {
    return listen(socket -> {
      socket.handler(data -> {
        received.addAndGet(data.length());
        socket.write(data);
        if (socket.writeQueueFull()) {
          socket.pause();
          socket.drainHandler(v -> socket.resume());
        }
      });
    });
  }

  /** Echoes, but flips bit 5 of the byte at stream offset {@code offset} of the first connection to reach it. */
  Future<NetServer> corruptOnce(long offset) {
    AtomicBoolean corrupted = new AtomicBoolean();
    return listen(socket -> {
      long[] seen = {0};
      socket.handler(data -> {
        long start = seen[0];
        seen[0] += data.length();
        if (offset >= start && offset < seen[0] && corrupted.compareAndSet(false, true)) {
          Buffer copy = data.copy();
          int i = (int) (offset - start);
          copy.setByte(i, (byte) (copy.getByte(i) ^ 0x20));
          data = copy;
        }
        socket.write(data);
      });
    });
  }

  /** Closes each connection as soon as anything arrives. */
  Future<NetServer> closeOnData() {
    return listen(socket -> socket.handler(data -> socket.close()));
  }

  /** Reads everything and answers nothing. */
  Future<NetServer> silent() {
    return listen(socket -> socket.handler(data -> received.addAndGet(data.length())));
  }

  private Future<NetServer> listen(Handler<NetSocket> handler) {
    return vertx.createNetServer().connectHandler(handler).listen(0, "127.0.0.1");
  }
}
