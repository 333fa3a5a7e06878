package dev.echokit.server;

import dev.echokit.config.ServerOptions.EchoMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class ResetsTest {

  static final int PAIRS = 10;
  static final int PAYLOAD = 1 << 20;

  @ParameterizedTest(name = "{0} echo")
  @EnumSource(EchoMode.class)
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("clients that reset mid-stream do not disturb the others, and give their connection slots back")
  void resetsDoNotDisturbOthers(EchoMode mode, Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(TestOptions.anyPort().withInstances(2).withEchoMode(mode));
    vertx.deployVerticle(server).compose(id -> {
      List<Future<Boolean>> all = new ArrayList<>();
      for (int i = 0; i < PAIRS; i++) {
        int seed = i;
        all.add(vertx.executeBlocking(() -> resetMidStream(server.actualPort(), seed), false));
        all.add(vertx.executeBlocking(() -> fullEcho(server.actualPort(), seed), false));
      }
      return Future.all(all);
    }).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
      await().atMost(10, TimeUnit.SECONDS).until(() -> server.openConnections() == 0);
      ctx.completeNow();
    })));
  }

  /** Sends half the payload, reads a little, then closes with a reset (SO_LINGER 0). */
  static boolean resetMidStream(int port, int seed) throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    byte[] payload = payload(seed);
    s.getOutputStream().write(payload, 0, PAYLOAD / 2);
    s.getInputStream().readNBytes(1024);
    s.setSoLinger(true, 0);
    s.close();
    return true;
  }

  /** Sends the whole payload while reading it back; fails unless every byte returns in order. */
  static boolean fullEcho(int port, int seed) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      byte[] payload = payload(seed + 1000);
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = s.getOutputStream();
          out.write(payload);
          out.flush();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      InputStream in = s.getInputStream();
      byte[] echoed = in.readNBytes(PAYLOAD);
      writer.join();
      assertThat(Arrays.equals(echoed, payload)).as("echo of connection " + seed + " intact").isTrue();
      return true;
    }
  }

  static byte[] payload(int seed) {
    byte[] b = new byte[PAYLOAD];
    new Random(seed).nextBytes(b);
    return b;
  }
}
