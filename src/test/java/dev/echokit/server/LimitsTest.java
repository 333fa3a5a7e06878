package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class LimitsTest {

  static final LimitOptions NO_TIME_LIMITS = LimitOptions.defaults().withIdleTimeout(0);

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("maxConnections counts across listeners: the connection beyond it is closed at once and counted")
  void maxConnectionsIsGlobal(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = deploy(vertx, ctx, NO_TIME_LIMITS.withMaxConnections(3), 2);
    run(vertx, ctx, () -> {
      List<Socket> admitted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        admitted.add(connect(server, "127.0.0.1"));
        assertThat(echo(admitted.get(i), "hello " + i)).isEqualTo("hello " + i);
      }
      try (Socket extra = connect(server, "127.0.0.1")) {
        assertThat(readUntilClosed(extra)).as("bytes the refused connection got").isZero();
      }
      assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTIONS, 1L);
      admitted.remove(0).close();
      await().atMost(10, TimeUnit.SECONDS).until(() -> server.openConnections() == 2);
      try (Socket again = connect(server, "127.0.0.1")) {
        assertThat(echo(again, "a freed slot")).isEqualTo("a freed slot");
      }
      for (Socket s : admitted) {
        s.close();
      }
      return null;
    });
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("maxConnectionsPerIp refuses one address's extra connection and leaves other addresses alone")
  void maxConnectionsPerIp(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = deploy(vertx, ctx, NO_TIME_LIMITS.withMaxConnectionsPerIp(2), 1);
    run(vertx, ctx, () -> {
      try (Socket a = connect(server, "127.0.0.1"); Socket b = connect(server, "127.0.0.1")) {
        assertThat(echo(a, "a")).isEqualTo("a");
        assertThat(echo(b, "b")).isEqualTo("b");
        try (Socket third = connect(server, "127.0.0.1")) {
          assertThat(readUntilClosed(third)).isZero();
        }
        try (Socket other = connect(server, "127.0.0.2")) {
          assertThat(echo(other, "another address")).isEqualTo("another address");
        }
      }
      assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTIONS_PER_IP, 1L)
          .containsEntry(LimitOptions.MAX_CONNECTIONS, 0L);
      return null;
    });
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("idleTimeout closes a connection whose client has gone silent, and counts it")
  void idleConnectionIsClosed(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = deploy(vertx, ctx, LimitOptions.defaults().withIdleTimeout(200), 1);
    run(vertx, ctx, () -> {
      try (Socket s = connect(server, "127.0.0.1")) {
        assertThat(echo(s, "then silence")).isEqualTo("then silence");
        assertThat(readUntilClosed(s)).isZero();
      }
      assertThat(server.rejections()).containsEntry(LimitOptions.IDLE_TIMEOUT, 1L);
      return null;
    });
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("idleTimeout leaves alone a client that keeps sending, even for longer than the timeout in all")
  void activeConnectionIsKept(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = deploy(vertx, ctx, LimitOptions.defaults().withIdleTimeout(1000), 1);
    run(vertx, ctx, () -> {
      try (Socket s = connect(server, "127.0.0.1")) {
        for (int i = 0; i < 20; i++) {
          assertThat(echo(s, "tick " + i)).isEqualTo("tick " + i);
          Thread.sleep(100);
        }
      }
      assertThat(server.rejections()).containsEntry(LimitOptions.IDLE_TIMEOUT, 0L);
      return null;
    });
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("maxConnectionBytes closes a connection once its client has sent more than the limit")
  void maxConnectionBytes(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = deploy(vertx, ctx, NO_TIME_LIMITS.withMaxConnectionBytes(1000), 1);
    run(vertx, ctx, () -> {
      byte[] first = new byte[600];
      Arrays.fill(first, (byte) 'a');
      try (Socket s = connect(server, "127.0.0.1")) {
        assertThat(echo(s, new String(first, StandardCharsets.US_ASCII))).hasSize(600);
        s.getOutputStream().write(first);
        assertThat(readUntilClosed(s)).as("echo of the read that crossed the limit, if any").isIn(0L, 600L);
      }
      assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTION_BYTES, 1L);
      return null;
    });
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("maxConnectionDuration closes a connection once it has been open that long")
  void maxConnectionDuration(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = deploy(vertx, ctx, NO_TIME_LIMITS.withMaxConnectionDuration(300), 1);
    run(vertx, ctx, () -> {
      try (Socket s = connect(server, "127.0.0.1")) {
        assertThat(echo(s, "short-lived")).isEqualTo("short-lived");
        assertThat(readUntilClosed(s)).isZero();
      }
      assertThat(server.rejections()).containsEntry(LimitOptions.MAX_CONNECTION_DURATION, 1L)
          .containsEntry(LimitOptions.IDLE_TIMEOUT, 0L);
      return null;
    });
  }

  static EchoServerVerticle deploy(Vertx vertx, VertxTestContext ctx, LimitOptions limits, int instances) {
    EchoServerVerticle server = new EchoServerVerticle(
        TestOptions.anyPort().withInstances(instances).withLimits(limits));
    try {
      vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      ctx.failNow(e);
    }
    return server;
  }

  static void run(Vertx vertx, VertxTestContext ctx, Callable<Void> body) {
    vertx.executeBlocking(body).onComplete(ctx.succeedingThenComplete());
  }

  static Socket connect(EchoServerVerticle server, String fromAddress) throws IOException {
    Socket s = new Socket("127.0.0.1", server.actualPort(), InetAddress.getByName(fromAddress), 0);
    s.setSoTimeout(10_000);
    return s;
  }

  static String echo(Socket s, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    s.getOutputStream().write(bytes);
    return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
  }

  /** Reads until the server closes (cleanly or with a reset); returns the bytes that came before. */
  static long readUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    long n = 0;
    try {
      while (in.read() >= 0) {
        n++;
      }
    } catch (java.net.SocketException reset) {
      // A reset ends the connection as surely as a FIN.
    }
    return n;
  }
}
