package dev.echokit.server;

import dev.echokit.config.HttpOptions;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class WebSocketBackpressureTest {

  /** Messages of 16 KiB: below the default frame size, so each is echoed as one frame. */
  static final int MESSAGE_SIZE = 16 << 10;
  /** 64 MiB in all: far more than any buffer on the way can hold. */
  static final int MESSAGES = 4096;
  /**
   * What a server that stops reading can leave in flight: the kernel buffers of both ends (loopback
   * auto-tuning grows them to a few MiB each), the server's write queue and its queue of frames read but not
   * yet handled. A server that buffered without bound would let the client write all 64 MiB.
   */
  static final int IN_FLIGHT_BOUND = 24 << 20;

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a WebSocket client that sends 64 MiB without reading is stalled, then gets every message in order")
  void nonReadingClientIsPausedThenServedInOrder(Vertx vertx, VertxTestContext ctx) {
    HttpTestServer.start(vertx, HttpOptions.DEFAULTS)
        .compose(server -> vertx.executeBlocking(() -> pushThenRead(server.actualPort())))
        .onComplete(ctx.succeeding(sentBeforeStall -> ctx.verify(() -> {
          assertThat(sentBeforeStall).isLessThan(IN_FLIGHT_BOUND);
          ctx.completeNow();
        })));
  }

  /** Returns how many bytes the client could write before the server stopped taking them. */
  static long pushThenRead(int port) throws Exception {
    ByteBuffer frames = ByteBuffer.allocate(MESSAGES * (MESSAGE_SIZE + 8));
    for (int m = 0; m < MESSAGES; m++) {
      frames.put(RawWebSocket.binaryFrame(message(m)));
    }
    frames.flip();
    try (RawWebSocket ws = new RawWebSocket(port, "/ws")) {
      long sentBeforeStall = ws.pushUntilStalled(frames);
      assertThat(frames.hasRemaining()).as("the server stopped taking frames at some point").isTrue();
      // Read and send at once, as a client that woke up would: each echo makes room for more frames.
      AtomicReference<Exception> writeFailure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          ws.writeFully(frames);
        } catch (Exception e) {
          writeFailure.set(e);
        }
      }, "ws-test-writer");
      writer.start();
      for (int m = 0; m < MESSAGES; m++) {
        RawWebSocket.Frame echo = ws.readFrame();
        assertThat(echo.finalBinary()).as("echo %d is one binary frame", m).isTrue();
        assertThat(echo.payload()).as("echo %d", m).isEqualTo(message(m));
      }
      writer.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(writeFailure.get()).as("failure while sending the rest").isNull();
      return sentBeforeStall;
    }
  }

  /** Message {@code m}: every byte depends on both the message and its position, so a swap or a shift shows. */
  static byte[] message(int m) {
    byte[] b = new byte[MESSAGE_SIZE];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (m * 31 + i);
    }
    return b;
  }
}
