package dev.echokit.server;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class BackpressureTest {

  static final int TOTAL = 64 << 20;
  /**
   * What a server that stops reading can leave in flight: the kernel buffers of both ends (loopback
   * auto-tuning grows them to a few MiB each) plus the server's write queue. A server that buffered
   * without bound would let the client write all 64 MiB.
   */
  static final int IN_FLIGHT_BOUND = 24 << 20;

  @ParameterizedTest(name = "{0} echo")
  @EnumSource(EchoMode.class)
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a client that sends 64 MiB without reading is stalled by the server, then gets every byte in order")
  void nonReadingClientIsPausedThenServedInOrder(EchoMode mode, Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(
        TestOptions.anyPort().withInstances(1).withEchoMode(mode));
    vertx.deployVerticle(server)
        .compose(id -> vertx.executeBlocking(() -> pushThenRead(server.actualPort())))
        .onComplete(ctx.succeeding(sentBeforeStall -> ctx.verify(() -> {
          assertThat(sentBeforeStall).isLessThan(IN_FLIGHT_BOUND);
          ctx.completeNow();
        })));
  }

  /** Returns how many bytes the client could write before the server stopped taking them. */
  static long pushThenRead(int port) throws IOException, InterruptedException {
    try (StalledClient client = new StalledClient(port)) {
      long sentBeforeStall = client.pushUntilStalled(TOTAL);
      client.finishAndVerify();
      return sentBeforeStall;
    }
  }
}
