package dev.echokit.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.echokit.server.WatchedConfig.connect;
import static dev.echokit.server.WatchedConfig.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class ScaleReloadTest {

  /**
   * Vert.x hands accepted connections round-robin to event loops, then to the instances on each: three rounds
   * over three instances reach every one of them, however they share event loops.
   */
  static final int CONNECTIONS = 9;
  /** Long enough that the connections outlive the reload, short enough for a test. */
  static final long IDLE_MILLIS = 2000;

  @TempDir
  Path dir;
  WatchedConfig config;

  @AfterEach
  void restore() {
    config.close();
  }

  static JsonObject instances(int n) {
    return WatchedConfig.withAdmin().put("instances", n);
  }

  /** Starts a server from {@code first}; a server started from the file watches it. */
  EchoServerVerticle start(Vertx vertx, JsonObject first) throws Exception {
    config = new WatchedConfig(dir, first);
    EchoServerVerticle server = new EchoServerVerticle();
    GracefulShutdownTest.join(vertx.deployVerticle(server));
    return server;
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("instances 1 → 3: the two new instances accept connections on the same port")
  void scaleUp(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, instances(1));
    int port = server.actualPort();
    AdminClient admin = new AdminClient(server.adminPort());
    vertx.executeBlocking(() -> {
      config.write(instances(3));
      awaitInstances(admin, 3);
      List<Socket> open = openAndEcho(port, CONNECTIONS);
      long serving = series(admin, "echokit_connections_active", 1);
      close(open);
      return List.of((long) server.actualPort(), serving);
    }).onComplete(ctx.succeeding(portAndServing -> ctx.verify(() -> {
      assertThat(portAndServing).as("port, instances with a connection").containsExactly((long) port, 3L);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("instances 3 → 1: connections open on the retired instances keep echoing")
  void retiredConnectionsKeepEchoing(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, instances(3));
    AdminClient admin = new AdminClient(server.adminPort());
    vertx.executeBlocking(() -> {
      List<Socket> open = openAndEcho(server.actualPort(), CONNECTIONS);
      config.write(instances(1));
      awaitInstances(admin, 1);
      List<String> echoes = new ArrayList<>();
      for (int i = 0; i < open.size(); i++) {
        echoes.add(echo(open.get(i), "after " + i));
      }
      close(open);
      return echoes;
    }).onComplete(ctx.succeeding(echoes -> ctx.verify(() -> {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        sent.add("after " + i);
      }
      assertThat(echoes).isEqualTo(sent);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("instances 3 → 1: the newest two retire, new connections go to the first, and a retired one's meters "
      + "leave with its last connection")
  void retiredInstancesTakeNoNewConnections(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, instances(3));
    AdminClient admin = new AdminClient(server.adminPort());
    vertx.executeBlocking(() -> {
      List<Socket> before = openAndEcho(server.actualPort(), CONNECTIONS);
      config.write(instances(1));
      awaitInstances(admin, 1);
      List<Socket> after = openAndEcho(server.actualPort(), 3);
      close(before);
      // Retired instances are undeployed once their last connection has closed, and take their meters along.
      await().atMost(10, TimeUnit.SECONDS).until(() -> series(admin, "echokit_connections_active", 0) == 1);
      List<String> left = admin.get("/metrics").body().lines()
          .filter(line -> line.startsWith("echokit_connections_active{")).toList();
      close(after);
      return left;
    }).onComplete(ctx.succeeding(left -> ctx.verify(() -> {
      assertThat(left).as("the first instance (meters of listener 0) holds the 3 new connections").containsExactly(
          "echokit_connections_active{listener=\"0\",mode=\"direct\",protocol=\"tcp\"} 3.0");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("instances 3 → 1: the idle limit still closes connections on the retired instances")
  void retiredConnectionsStillHaveLimits(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, instances(3).put("idleTimeout", IDLE_MILLIS));
    AdminClient admin = new AdminClient(server.adminPort());
    vertx.executeBlocking(() -> {
      List<Socket> open = openAndEcho(server.actualPort(), CONNECTIONS);
      config.write(instances(1).put("idleTimeout", IDLE_MILLIS));
      awaitInstances(admin, 1);
      List<Long> afterIdle = new ArrayList<>();
      for (int i = 0; i < open.size(); i++) {
        // Still open after the scale-down: the idle limit, not the retirement, closes it next.
        assertThat(echo(open.get(i), "retired " + i)).isEqualTo("retired " + i);
      }
      for (Socket s : open) {
        afterIdle.add(WatchedConfig.readToEnd(s));
      }
      close(open);
      return List.of(afterIdle, server.rejections().get("idleTimeout"));
    }).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertThat(result.get(0)).as("bytes each got before the server closed it").isEqualTo(List.of(
          0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L));
      assertThat(result.get(1)).as("closed by idleTimeout").isEqualTo((long) CONNECTIONS);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a server stopped after a scale-down drains the retired instances' connections with the others")
  void stopDrainsRetiredConnections(Vertx vertx, VertxTestContext ctx) throws Exception {
    // A drain that waited for the shutdown timeout would outlast the test's own.
    EchoServerVerticle server = start(vertx, instances(3).put("shutdownTimeout", 60_000));
    AdminClient admin = new AdminClient(server.adminPort());
    vertx.executeBlocking(() -> {
      List<Socket> open = openAndEcho(server.actualPort(), CONNECTIONS);
      config.write(instances(1).put("shutdownTimeout", 60_000));
      awaitInstances(admin, 1);
      Future<Void> undeployed = vertx.undeploy(server.deploymentID());
      List<Long> atStop = new ArrayList<>();
      for (Socket s : open) {
        atStop.add(WatchedConfig.readToEnd(s));
      }
      GracefulShutdownTest.join(undeployed);
      close(open);
      return atStop;
    }).onComplete(ctx.succeeding(atStop -> ctx.verify(() -> {
      assertThat(atStop).as("bytes before a clean close (a reset would be negative)").isEqualTo(List.of(
          0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L));
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("http instances 3 → 1: WebSockets open on the retired instances keep echoing")
  void retiredWebSocketsKeepEchoing(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, httpInstances(3));
    AdminClient admin = new AdminClient(server.adminPort());
    vertx.executeBlocking(() -> {
      List<TextWebSocket> open = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        TextWebSocket ws = TextWebSocket.open(server.actualPort());
        open.add(ws);
        assertThat(ws.echo("hello " + i)).isEqualTo("hello " + i);
      }
      config.write(httpInstances(1));
      awaitInstances(admin, 1);
      List<String> echoes = new ArrayList<>();
      for (int i = 0; i < open.size(); i++) {
        echoes.add(open.get(i).echo("after " + i));
      }
      open.forEach(TextWebSocket::close);
      return echoes;
    }).onComplete(ctx.succeeding(echoes -> ctx.verify(() -> {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        sent.add("after " + i);
      }
      assertThat(echoes).isEqualTo(sent);
      ctx.completeNow();
    })));
  }

  static JsonObject httpInstances(int n) {
    return WatchedConfig.withAdmin().put("listeners", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("protocol", "http").put("port", 0).put("instances", n)));
  }

  /** Waits until /health/ready counts {@code n} instances, all bound. */
  static void awaitInstances(AdminClient admin, int n) {
    await().atMost(10, TimeUnit.SECONDS).until(() -> admin.get("/health/ready").body()
        .contains("\"status\":\"UP\",\"listeners\":" + n + ",\"bound\":" + n + ","));
  }

  /** Opens {@code n} connections one after the other, each proven served by an echo. */
  static List<Socket> openAndEcho(int port, int n) throws IOException {
    List<Socket> open = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket s = connect(port);
      open.add(s);
      assertThat(echo(s, "hello " + i)).isEqualTo("hello " + i);
    }
    return open;
  }

  static void close(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  /** How many series of {@code name} (one per listener instance) have a value of at least {@code min}. */
  static long series(AdminClient admin, String name, double min) throws Exception {
    return admin.get("/metrics").body().lines()
        .filter(line -> line.startsWith(name + "{"))
        .filter(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= min)
        .count();
  }
}
