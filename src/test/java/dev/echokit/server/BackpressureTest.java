package dev.echokit.server;

import dev.echokit.config.ServerOptions;
import dev.echokit.config.ServerOptions.EchoMode;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class BackpressureTest {

  static final int TOTAL = 64 << 20;
  static final int SOCKET_BUFFER = 64 << 10;
  /**
   * What a server that stops reading can leave in flight: the kernel buffers of both ends (loopback
   * auto-tuning grows them to a few MiB each) plus the server's write queue. A server that buffered
   * without bound would let the client write all 64 MiB.
   */
  static final int IN_FLIGHT_BOUND = 24 << 20;
  /** Write attempts in a row that must find the socket full before we call the sender stalled. */
  static final int STALLED_ATTEMPTS = 40;

  @ParameterizedTest(name = "{0} echo")
  @EnumSource(EchoMode.class)
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a client that sends 64 MiB without reading is stalled by the server, then gets every byte in order")
  void nonReadingClientIsPausedThenServedInOrder(EchoMode mode, Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(
        ServerOptions.defaults().withPort(0).withInstances(1).withEchoMode(mode));
    vertx.deployVerticle(server)
        .compose(id -> vertx.executeBlocking(() -> pushThenRead(server.actualPort())))
        .onComplete(ctx.succeeding(sentBeforeStall -> ctx.verify(() -> {
          assertThat(sentBeforeStall).isLessThan(IN_FLIGHT_BOUND);
          ctx.completeNow();
        })));
  }

  /** Returns how many bytes the client could write before the server stopped taking them. */
  static long pushThenRead(int port) throws IOException, InterruptedException {
    try (SocketChannel ch = SocketChannel.open()) {
      ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
      ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
      ch.connect(new InetSocketAddress("127.0.0.1", port));
      ch.configureBlocking(false);
      ByteBuffer out = ByteBuffer.allocate(TOTAL);
      for (int i = 0; i < TOTAL; i++) {
        out.put(i, pattern(i));
      }
      int fullInARow = 0;
      while (out.hasRemaining() && fullInARow < STALLED_ATTEMPTS) {
        if (ch.write(out) == 0) {
          fullInARow++;
          Thread.sleep(25);
        } else {
          fullInARow = 0;
        }
      }
      long sentBeforeStall = out.position();
      assertThat(out.hasRemaining()).as("the server should have stopped reading before 64 MiB").isTrue();

      ByteBuffer in = ByteBuffer.allocate(256 << 10);
      long received = 0;
      while (received < TOTAL) {
        if (out.hasRemaining()) {
          ch.write(out);
        }
        in.clear();
        int n = ch.read(in);
        if (n < 0) {
          throw new IOException("server closed after " + received + " bytes");
        }
        for (int i = 0; i < n; i++) {
          if (in.get(i) != pattern(received + i)) {
            throw new AssertionError("byte " + (received + i) + " differs");
          }
        }
        received += n;
        if (n == 0) {
          Thread.sleep(1);
        }
      }
      return sentBeforeStall;
    }
  }

  static byte pattern(long offset) {
    return (byte) (offset * 31 + (offset >>> 11));
  }
}
