package dev.echokit.server;

import dev.echokit.config.MetricsOptions;
import dev.echokit.config.UdpOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static dev.echokit.server.UdpServers.client;
import static dev.echokit.server.UdpServers.receive;
import static dev.echokit.server.UdpServers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class UdpEchoTest {

  /** The default size limit, and no rate limits: every datagram of a test's handful comes back. */
  static final UdpOptions NO_RATE_LIMITS = new UdpOptions(UdpOptions.DEFAULT_MAX_DATAGRAM_SIZE, 0, 0);
  /** The largest UDP payload over IPv4; one byte more than the limit of the size test. */
  static final int LARGEST_DATAGRAM = UdpOptions.MAX_MAX_DATAGRAM_SIZE;

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("each datagram comes back to its sender unchanged, byte for byte")
  void echoesEachDatagram(Vertx vertx, VertxTestContext ctx) throws Exception {
    int port = UdpServers.start(vertx, NO_RATE_LIMITS).actualPort(Protocol.UDP);
    byte[] hello = "Hello, server!".getBytes(StandardCharsets.UTF_8);
    byte[] full = new byte[UdpOptions.DEFAULT_MAX_DATAGRAM_SIZE];
    new Random(862).nextBytes(full);
    run(vertx, ctx, () -> {
      try (DatagramSocket socket = client()) {
        send(socket, port, hello);
        assertThat(receive(socket)).isEqualTo(hello);
        send(socket, port, full);
        assertThat(receive(socket)).isEqualTo(full);
      }
      return null;
    });
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("an empty datagram gets no reply (Netty never sends an empty one) and the next one is echoed as usual")
  void emptyDatagramGetsNoReply(Vertx vertx, VertxTestContext ctx) throws Exception {
    int port = UdpServers.start(vertx, NO_RATE_LIMITS).actualPort(Protocol.UDP);
    byte[] next = "next".getBytes(StandardCharsets.UTF_8);
    run(vertx, ctx, () -> {
      try (DatagramSocket socket = client()) {
        send(socket, port, new byte[0]);
        send(socket, port, next);
        assertThat(receive(socket)).isEqualTo(next);
      }
      return null;
    });
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a datagram one byte over maxDatagramSize is dropped and counted, one at the limit comes back whole, "
      + "even at the largest size UDP carries")
  void oversizeDatagramIsDropped(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = UdpServers.start(vertx, new UdpOptions(LARGEST_DATAGRAM - 1, 0, 0));
    int port = server.actualPort(Protocol.UDP);
    byte[] tooLarge = new byte[LARGEST_DATAGRAM];
    new Random(7).nextBytes(tooLarge);
    byte[] atLimit = java.util.Arrays.copyOf(tooLarge, LARGEST_DATAGRAM - 1);
    run(vertx, ctx, () -> {
      try (DatagramSocket socket = client()) {
        send(socket, port, tooLarge);
        // Loopback keeps one sender's datagrams in order: the first echo back must be the second datagram's.
        send(socket, port, atLimit);
        assertThat(receive(socket)).isEqualTo(atLimit);
      }
      assertThat(server.rejections()).containsEntry(UdpOptions.MAX_DATAGRAM_SIZE, 1L);
      return null;
    });
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("beyond datagramsPerSecond a source's datagrams are dropped; what passed is echoed, what did not is "
      + "counted under its reason")
  void datagramRateLimit(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = UdpServers.start(vertx, new UdpOptions(UdpOptions.DEFAULT_MAX_DATAGRAM_SIZE, 1, 0),
        MetricsOptions.defaults().withPort(0));
    checkRateLimit(vertx, ctx, server, 20, 16, UdpOptions.DATAGRAMS_PER_SECOND, "udp_datagrams_per_second");
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("beyond bytesPerSecond a source's datagrams are dropped; what passed is echoed, what did not is "
      + "counted under its reason")
  void byteRateLimit(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = UdpServers.start(vertx, new UdpOptions(UdpOptions.DEFAULT_MAX_DATAGRAM_SIZE, 0, 1000),
        MetricsOptions.defaults().withPort(0));
    checkRateLimit(vertx, ctx, server, 20, 600, UdpOptions.BYTES_PER_SECOND, "udp_bytes_per_second");
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a datagram from a source port below udp.minSourcePort is dropped, never echoed, and counted under "
      + "its reason")
  void lowSourcePortDropped(Vertx vertx, VertxTestContext ctx) throws Exception {
    // Every ephemeral port is below 65535, so the test's client stands for a service on a well-known port.
    EchoServerVerticle server = UdpServers.start(vertx, NO_RATE_LIMITS.withMinSourcePort(65_535),
        MetricsOptions.defaults().withPort(0));
    int port = server.actualPort(Protocol.UDP);
    AdminClient admin = new AdminClient(server.adminPort());
    run(vertx, ctx, () -> {
      try (DatagramSocket socket = client()) {
        for (int i = 0; i < 3; i++) {
          send(socket, port, ("from a service " + i).getBytes(StandardCharsets.US_ASCII));
        }
        await().atMost(20, TimeUnit.SECONDS).until(() ->
            admin.sum("echokit_datagrams_dropped_total", "reason=\"udp_min_source_port\"") == 3);
        assertThat(admin.sum("echokit_chunks_echoed_total", "protocol=\"udp\"")).isZero();
        assertThat(server.rejections()).containsEntry(UdpOptions.MIN_SOURCE_PORT, 3L);
      }
      return null;
    });
  }

  /**
   * Sends {@code count} distinct datagrams of {@code size} bytes at once, against a budget of one per second (one
   * datagram, or 1000 bytes: one 600-byte datagram), then checks that the server's echo and drop counters add up to
   * what was sent, that at least one was dropped, and that exactly the echoed ones came back, in order.
   */
  private static void checkRateLimit(Vertx vertx, VertxTestContext ctx, EchoServerVerticle server, int count, int size,
                                     String key, String tag) {
    int port = server.actualPort(Protocol.UDP);
    AdminClient admin = new AdminClient(server.adminPort());
    run(vertx, ctx, () -> {
      try (DatagramSocket socket = client()) {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          byte[] data = new byte[size];
          new Random(i).nextBytes(data);
          sent.add(data);
          send(socket, port, data);
        }
        Callable<Double> echoed = () -> admin.sum("echokit_chunks_echoed_total", "protocol=\"udp\"");
        Callable<Double> dropped = () -> admin.sum("echokit_datagrams_dropped_total", "reason=\"" + tag + "\"");
        await().atMost(20, TimeUnit.SECONDS).until(() -> echoed.call() + dropped.call() == count);
        int passed = echoed.call().intValue();
        assertThat(dropped.call()).isEqualTo(count - passed).isGreaterThanOrEqualTo(1);
        assertThat(server.rejections()).containsEntry(key, (long) (count - passed));
        for (int i = 0; i < passed; i++) {
          // The bucket starts full and refills steadily, so the datagrams that passed may be any of them, in order.
          byte[] echo = receive(socket);
          assertThat(sent).anySatisfy(s -> assertThat(s).isEqualTo(echo));
        }
      }
      return null;
    });
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("stopping the server closes the datagram socket: its port can be bound again")
  void stopClosesTheSocket(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = UdpServers.start(vertx, NO_RATE_LIMITS);
    int port = server.actualPort(Protocol.UDP);
    vertx.undeploy(server.deploymentID()).compose(v -> vertx.executeBlocking(() -> {
      // Java NIO releases a closed channel's port at its selector's next turn, just after the close completes.
      for (int attempt = 1; ; attempt++) {
        try (DatagramSocket again = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
          assertThat(again.getLocalPort()).isEqualTo(port);
          return null;
        } catch (java.net.BindException stillBound) {
          if (attempt == REBIND_ATTEMPTS) {
            throw stillBound;
          }
          Thread.sleep(REBIND_PAUSE_MILLIS);
        }
      }
    })).onComplete(ctx.succeedingThenComplete());
  }

  /** Two seconds in all: a selector turns many times a second even when idle. */
  static final int REBIND_ATTEMPTS = 40;
  static final long REBIND_PAUSE_MILLIS = 50;

  private static void run(Vertx vertx, VertxTestContext ctx, Callable<Void> body) {
    vertx.executeBlocking(body).onComplete(ctx.succeedingThenComplete());
  }
}
