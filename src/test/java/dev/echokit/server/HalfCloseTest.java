package dev.echokit.server;

import dev.echokit.config.ServerOptions.EchoMode;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class HalfCloseTest {

  static final int PAYLOAD = 32 << 20;

  @ParameterizedTest(name = "{0} echo")
  @EnumSource(EchoMode.class)
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a client that sends, half-closes, then reads to the end gets every byte before the server closes")
  void halfCloseGetsEveryByte(EchoMode mode, Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(
        TestOptions.anyPort().withInstances(1).withEchoMode(mode));
    byte[] payload = new byte[PAYLOAD];
    new Random(7).nextBytes(payload);
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
        // A slow reader: the server's write queue fills, so echoes are still queued when the input ends.
        s.setReceiveBufferSize(16 << 10);
        CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readToEnd(s));
        s.getOutputStream().write(payload);
        s.shutdownOutput();
        return echoed.get(50, TimeUnit.SECONDS);
      }
    })).onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
      assertThat(echoed.length).isEqualTo(PAYLOAD);
      assertThat(echoed).isEqualTo(payload);
      ctx.completeNow();
    })));
  }

  static byte[] readToEnd(Socket s) {
    try {
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream(PAYLOAD);
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) >= 0) {
        all.write(buf, 0, n);
        Thread.onSpinWait();
      }
      return all.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
