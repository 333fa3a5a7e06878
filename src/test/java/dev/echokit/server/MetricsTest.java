package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.ServerOptions.EchoMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class MetricsTest {

  /** Sizes that do not line up with any buffer: a miscount of one byte anywhere shows. */
  static final int[] PAYLOADS = {1, 1_234, 65_537, 1_000_003};
  static final ServerOptions WITH_METRICS = TestOptions.anyPort().withInstances(2)
      .withMetrics(MetricsOptions.defaults().withPort(0));

  @ParameterizedTest(name = "{0} echo")
  @EnumSource(EchoMode.class)
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("after a known workload echokit_bytes_echoed_total equals the bytes sent, exactly")
  void bytesCounterMatchesWorkload(EchoMode mode, Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(WITH_METRICS.withEchoMode(mode));
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      long sent = 0;
      for (int i = 0; i < PAYLOADS.length; i++) {
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
          sent += echoChecked(s, PAYLOADS[i], i);
        }
      }
      AdminClient admin = new AdminClient(server.adminPort());
      await().atMost(10, TimeUnit.SECONDS).until(() -> admin.sum("echokit_connections_active") == 0);
      return new double[] {sent, admin.sum("echokit_bytes_echoed_total"),
          admin.sum("echokit_connections_opened_total"), admin.sum("echokit_chunks_echoed_total")};
    })).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(v[1]).as("bytes echoed").isEqualTo(v[0]);
      assertThat(v[2]).as("connections opened").isEqualTo(PAYLOADS.length);
      assertThat(v[3]).as("chunks echoed").isBetween((double) PAYLOADS.length, v[0]);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("the live meters move while a connection is still open")
  void metersMoveWhileOpen(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(WITH_METRICS);
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
        long sent = echoChecked(s, 100_000, 7);
        AdminClient admin = new AdminClient(server.adminPort());
        return new double[] {sent, admin.sum("echokit_bytes_echoed_total"), admin.sum("echokit_connections_active")};
      }
    })).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(v[1]).isEqualTo(v[0]);
      assertThat(v[2]).as("active connections").isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a rejected connection shows in echokit_connections_rejected_total with its reason")
  void rejectionsByReason(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(WITH_METRICS.withLimits(
        LimitOptions.defaults().withMaxConnections(1)));
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      try (Socket first = new Socket("127.0.0.1", server.actualPort())) {
        echoChecked(first, 10, 1);
        try (Socket second = new Socket("127.0.0.1", server.actualPort())) {
          LimitsTest.readUntilClosed(second);
        }
        AdminClient admin = new AdminClient(server.adminPort());
        return new double[] {admin.sum("echokit_connections_rejected_total", "reason=\"max_connections\""),
            admin.sum("echokit_connections_rejected_total", "reason=\"idle_timeout\"")};
      }
    })).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(v).containsExactly(1, 0);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a udp listener counts drops in echokit_datagrams_dropped_total and has no connection meters")
  void udpListenerHasDatagramMeters(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(WITH_METRICS.withListeners(List.of(
        ListenerOptions.of(Protocol.UDP, "127.0.0.1", 0))));
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() ->
        new AdminClient(server.adminPort()).get("/metrics").body())).onComplete(ctx.succeeding(scrape -> ctx.verify(() -> {
      assertThat(scrape.lines().filter(l -> l.startsWith("echokit_datagrams_dropped_total{")))
          .as("one series per datagram limit, at 0")
          .hasSize(5).allMatch(l -> l.contains("protocol=\"udp\"") && l.endsWith(" 0.0"));
      assertThat(scrape).doesNotContain("echokit_connections_");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
  @DisplayName("/health/ready answers 200 when bound and 503 while draining; /health/live stays 200")
  void healthFlipsDuringDrain(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(WITH_METRICS.withInstances(1)
        .withShutdownTimeout(ServerOptions.MAX_SHUTDOWN_TIMEOUT_MILLIS));
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      AdminClient admin = new AdminClient(server.adminPort());
      List<String> seen = new ArrayList<>();
      seen.add(describe(admin.get("/health/ready")));
      seen.add("ready gauge " + admin.sum("echokit_ready"));
      try (StalledClient client = new StalledClient(server.actualPort())) {
        client.pushUntilStalled(64 << 20);
        Future<Void> undeployed = vertx.undeploy(id);
        await().atMost(10, TimeUnit.SECONDS).until(() -> admin.get("/health/ready").statusCode() == 503);
        seen.add(describe(admin.get("/health/ready")));
        seen.add(describe(admin.get("/health/live")));
        seen.add("ready gauge " + admin.sum("echokit_ready"));
        client.readToEnd();
        GracefulShutdownTest.join(undeployed);
      }
      return seen;
    })).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen).containsExactly(
          "200 {\"status\":\"UP\",\"listeners\":1,\"bound\":1,\"draining\":false,\"connections\":0}",
          "ready gauge 1.0",
          "503 {\"status\":\"DOWN\",\"listeners\":1,\"bound\":1,\"draining\":true,\"connections\":1}",
          "200 {\"status\":\"UP\"}",
          "ready gauge 0.0");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a busy metrics port fails the start with one line naming the port and the keys to change")
  void metricsPortInUse(Vertx vertx, VertxTestContext ctx) throws Exception {
    ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
    int port = taken.getLocalPort();
    vertx.deployVerticle(new EchoServerVerticle(WITH_METRICS.withMetrics(MetricsOptions.defaults().withPort(port))))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          taken.close();
          assertThat(err).isInstanceOf(ListenException.class).hasMessageStartingWith(
              "metrics port " + port + " is already in use on 127.0.0.1 — stop the other server, or choose another "
                  + "port (ECHOKIT_METRICS_PORT, or 0 for any free port)");
          ctx.completeNow();
        })));
  }

  static String describe(HttpResponse<String> response) {
    JsonObject body = new JsonObject(response.body());
    return response.statusCode() + " " + body.encode();
  }

  /** Sends {@code size} random bytes, reads the echo back and checks it; returns the count sent. */
  static long echoChecked(Socket s, int size, int seed) throws Exception {
    byte[] payload = new byte[size];
    new Random(seed).nextBytes(payload);
    Thread writer = new Thread(() -> {
      try {
        s.getOutputStream().write(payload);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    writer.start();
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    byte[] echoed = in.readNBytes(size);
    writer.join();
    assertThat(Arrays.equals(echoed, payload)).as("echo of " + size + " bytes intact").isTrue();
    return size;
  }
}
