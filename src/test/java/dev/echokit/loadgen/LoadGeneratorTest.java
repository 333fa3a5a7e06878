package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class LoadGeneratorTest {

  /** Small runs on two event loops, measured from the first message. */
  static LoadOptions options(int port) {
    return LoadOptions.defaults().withHost("127.0.0.1").withPort(port).withConnections(4).withInstances(2)
        .withWarmupSeconds(0).withSize(64, 64).withMessages(1000);
  }

  static Future<LoadReport> runAgainst(Vertx vertx, Future<NetServer> server, Function<LoadOptions, LoadOptions> tweak) {
    return server.compose(s -> new LoadGenerator(vertx, tweak.apply(options(s.actualPort()))).run());
  }

  @Test
  @DisplayName("request/response: every requested message comes back verified, bytes = messages × size")
  void requestResponse(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestServers(vertx).echo(), o -> o.withSize(100, 100).withMessages(2000))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(2000);
          assertThat(r.bytes()).isEqualTo(2000L * 100);
          assertThat(r.totalErrors()).isZero();
          assertThat(r.latencyNanos().getTotalCount()).isEqualTo(2000);
          assertThat(r.openConnections()).isEqualTo(4);
          assertThat(r.exitCode()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("pipelining 16 deep: every message comes back verified, in order")
  void pipelined(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestServers(vertx).echo(), o -> o.withDepth(16).withMessages(5000))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(5000);
          assertThat(r.bytes()).isEqualTo(5000L * 64);
          assertThat(r.totalErrors()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("random sizes: the bytes reported are exactly the bytes the server echoed, within min and max")
  void randomSizes(Vertx vertx, VertxTestContext ctx) {
    TestServers servers = new TestServers(vertx);
    runAgainst(vertx, servers.echo(), o -> o.withSize(1, 3000).withDepth(4).withMessages(1000))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(1000);
          assertThat(r.totalErrors()).isZero();
          assertThat(r.bytes()).isEqualTo(servers.received.get()).isBetween(1000L, 3000L * 1000);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("messages larger than the socket buffers, pipelined, wait for the write queue to drain and all verify")
  void backpressure(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestServers(vertx).echo(), o -> o.withSize(1 << 20, 1 << 20).withDepth(4).withMessages(48))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(48);
          assertThat(r.bytes()).isEqualTo(48L << 20);
          assertThat(r.totalErrors()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("fewer messages than connections: exactly the requested count is sent")
  void fewerMessagesThanConnections(Vertx vertx, VertxTestContext ctx) {
    TestServers servers = new TestServers(vertx);
    runAgainst(vertx, servers.echo(), o -> o.withConnections(5).withMessages(3))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(3);
          assertThat(servers.received.get()).isEqualTo(3 * 64);
          assertThat(r.totalErrors()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("open loop at a modest rate completes the requested count without errors")
  void openLoop(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestServers(vertx).echo(), o -> o.withRate(2000).withDepth(8).withMessages(400))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(400);
          assertThat(r.bytes()).isEqualTo(400L * 64);
          assertThat(r.totalErrors()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("warm-up messages are sent but not counted: the server sees more than the measured bytes")
  void warmupExcluded(Vertx vertx, VertxTestContext ctx) {
    TestServers servers = new TestServers(vertx);
    runAgainst(vertx, servers.echo(), o -> o.withWarmupSeconds(1).withMessages(500))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(500);
          assertThat(r.latencyNanos().getTotalCount()).isEqualTo(500);
          assertThat(servers.received.get()).isGreaterThan(500L * 64);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a duration run stops sending at the end and measures at least that long")
  void duration(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestServers(vertx).echo(), o -> o.withDurationSeconds(1))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isPositive();
          assertThat(r.bytes()).isEqualTo(r.messages() * 64);
          assertThat(r.durationSeconds()).isGreaterThanOrEqualTo(1.0);
          assertThat(r.totalErrors()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("one corrupted byte is one mismatch that names the byte, sent and received; exit code 1")
  void corruptedByte(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestServers(vertx).corruptOnce(100), o -> o.withConnections(3).withMessages(300))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.errors(ErrorKind.MISMATCH)).isEqualTo(1);
          assertThat(r.totalErrors()).isEqualTo(1);
          assertThat(r.openConnections()).isEqualTo(2);
          assertThat(r.exitCode()).isEqualTo(1);
          // Stream offset 100 is byte 36 of the second 64-byte message.
          Matcher m = Pattern.compile("connection \\d: byte 36 of a 64-byte message differs: "
              + "sent 0x([0-9a-f]{2}), received 0x([0-9a-f]{2})").matcher(r.errorSamples().get(0));
          assertThat(m.matches()).as(r.errorSamples().get(0)).isTrue();
          assertThat(Integer.parseInt(m.group(2), 16)).isEqualTo(Integer.parseInt(m.group(1), 16) ^ 0x20);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a server that closes each connection counts one 'closed early' per connection")
  void closedEarly(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestServers(vertx).closeOnData(), o -> o)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.errors(ErrorKind.CLOSED)).isEqualTo(4);
          assertThat(r.totalErrors()).isEqualTo(4);
          assertThat(r.messages()).isZero();
          assertThat(r.openConnections()).isZero();
          assertThat(r.exitCode()).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a server that never answers fails each connection with an I/O error after the timeout")
  void silentServer(Vertx vertx, VertxTestContext ctx) {
    runAgainst(vertx, new TestServers(vertx).silent(), o -> o.withTimeoutMillis(200))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.errors(ErrorKind.IO)).isEqualTo(4);
          assertThat(r.errorSamples()).allMatch(s -> s.endsWith(": no echo for 200 ms with 1 message(s) in flight"));
          assertThat(r.exitCode()).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a closed port counts one connect failure per connection")
  void connectRefused(Vertx vertx, VertxTestContext ctx) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    new LoadGenerator(vertx, options(port)).run().onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.errors(ErrorKind.CONNECT)).isEqualTo(4);
      assertThat(r.totalErrors()).isEqualTo(4);
      assertThat(r.errorSamples().get(0)).matches("connection \\d: cannot connect to 127.0.0.1:" + port
          + ": connection refused — is the server running\\?");
      assertThat(r.openConnections()).isZero();
      assertThat(r.exitCode()).isEqualTo(1);
      ctx.completeNow();
    })));
  }
}
