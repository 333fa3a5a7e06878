package dev.echokit.server;

import dev.echokit.config.ServerOptions.EchoMode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ConcurrentConnectionsTest {

  static final int CONNECTIONS = 200;
  static final int MAX_PAYLOAD = 1 << 20;
  static final int LARGE_PAYLOAD = 16 << 20;

  @ParameterizedTest(name = "{0} echo")
  @EnumSource(EchoMode.class)
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName("200 concurrent connections with random payloads (1 B to 1 MiB, one of 16 MiB) all come back intact")
  void concurrentRandomPayloads(EchoMode mode, Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(
        TestOptions.anyPort().withInstances(2).withEchoMode(mode));
    NetClient client = vertx.createNetClient();
    Random random = new Random(862);
    vertx.deployVerticle(server).compose(id -> {
      List<Future<Long>> echoes = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        int size = i == 0 ? LARGE_PAYLOAD : 1 + random.nextInt(MAX_PAYLOAD);
        byte[] payload = new byte[size];
        random.nextBytes(payload);
        echoes.add(echo(client, server.actualPort(), payload));
      }
      return Future.all(echoes).map(all -> all.<Long>list().stream().mapToLong(Long::longValue).sum());
    }).onComplete(ctx.succeeding(total -> ctx.verify(() -> {
      assertThat(total).isGreaterThan((long) LARGE_PAYLOAD);
      ctx.completeNow();
    })));
  }

  /** Sends the payload and checks that the echo has the same length and CRC-32. */
  static Future<Long> echo(NetClient client, int port, byte[] payload) {
    CRC32 sent = new CRC32();
    sent.update(payload);
    return client.connect(port, "127.0.0.1").compose(socket -> {
      Promise<Long> done = Promise.promise();
      CRC32 received = new CRC32();
      long[] count = {0};
      socket.handler(chunk -> {
        received.update(chunk.getBytes());
        count[0] += chunk.length();
        if (count[0] == payload.length) {
          if (received.getValue() == sent.getValue()) {
            done.tryComplete(count[0]);
          } else {
            done.tryFail("checksum mismatch on a " + payload.length + "-byte echo");
          }
          socket.close();
        } else if (count[0] > payload.length) {
          done.tryFail("got " + count[0] + " bytes back for " + payload.length + " sent");
        }
      });
      socket.closeHandler(v -> done.tryFail("closed after " + count[0] + " of " + payload.length + " bytes"));
      socket.write(Buffer.buffer(payload));
      return done.future();
    });
  }
}
