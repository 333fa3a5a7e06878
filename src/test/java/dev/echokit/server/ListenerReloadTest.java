package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.echokit.server.WatchedConfig.connect;
import static dev.echokit.server.WatchedConfig.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class ListenerReloadTest {

  /** Bytes a stalled client may push: far more than the server's write queue and both socket buffers hold. */
  static final int PUSH_LIMIT = 64 << 20;

  @TempDir
  Path dir;
  WatchedConfig config;

  @AfterEach
  void restore() {
    config.close();
  }

  EchoServerVerticle start(Vertx vertx, JsonObject first) throws Exception {
    config = new WatchedConfig(dir, first);
    EchoServerVerticle server = new EchoServerVerticle();
    GracefulShutdownTest.join(vertx.deployVerticle(server));
    return server;
  }

  static JsonObject tcp() {
    return new JsonObject().put("protocol", "tcp");
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a new port in the config file: the new port echoes and the old one refuses new connections")
  void portChangeRebinds(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, WatchedConfig.base());
    int old = server.actualPort();
    vertx.executeBlocking(() -> {
      int wanted = WatchedConfig.freePort();
      config.write(WatchedConfig.base().put("port", wanted));
      await().atMost(10, TimeUnit.SECONDS).until(() -> server.actualPort() == wanted);
      String echoed;
      try (Socket s = connect(wanted)) {
        echoed = echo(s, "on the new port");
      }
      await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
          assertThatThrownBy(() -> connect(old).close()).isInstanceOf(ConnectException.class));
      return echoed;
    }).onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
      assertThat(echoed).isEqualTo("on the new port");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a new port: a connection open on the old one gets every byte it sent echoed, then a clean close")
  void portChangeDrainsOldConnections(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, WatchedConfig.base());
    vertx.executeBlocking(() -> {
      try (StalledClient client = new StalledClient(server.actualPort())) {
        long sent = client.pushUntilStalled(PUSH_LIMIT);
        config.write(WatchedConfig.base().put("port", WatchedConfig.freePort()));
        // Draining closes the connection once it is quiet: it is quiet only after reading every echo.
        long received = client.readToEnd();
        return new long[] {sent, received};
      }
    }).onComplete(ctx.succeeding(sentAndReceived -> ctx.verify(() -> {
      assertThat(sentAndReceived[1]).as("bytes echoed before a clean close").isEqualTo(sentAndReceived[0]);
      assertThat(config.logs("EchoKit stopped listening on tcp://127.0.0.1:")).isTrue();
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a new port that is in use: the whole change is rejected in one line and the old port keeps serving")
  void busyPortRejected(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, WatchedConfig.base());
    int old = server.actualPort();
    vertx.executeBlocking(() -> {
      try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
           Socket open = connect(old)) {
        int busy = other.getLocalPort();
        config.write(WatchedConfig.base().put("port", busy).put("maxConnections", 7));
        await().atMost(10, TimeUnit.SECONDS).until(() -> config.logs("rejected"));
        String fresh;
        try (Socket s = connect(old)) {
          fresh = echo(s, "new connection");
        }
        return List.of(String.valueOf(busy), config.line("rejected"), echo(open, "open connection"), fresh,
            String.valueOf(server.actualPort()), String.valueOf(server.ready()),
            String.valueOf(server.options().limits().maxConnections()));
      }
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen.subList(1, seen.size())).containsExactly("config change in " + config.file + " rejected, the "
              + "running configuration stays: port " + seen.get(0) + " is already in use on 127.0.0.1 — stop the "
              + "other server or choose another port (port, or 0 for any free port)",
          "open connection", "new connection", String.valueOf(old), "true",
          String.valueOf(LimitOptions.DEFAULT_MAX_CONNECTIONS));
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a second tcp entry added to listeners starts on its own port; the first keeps its connection")
  void listenerAdded(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, WatchedConfig.base());
    int first = server.actualPort();
    vertx.executeBlocking(() -> {
      try (Socket open = connect(first)) {
        config.write(WatchedConfig.withListeners(tcp(), tcp()));
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.listeners().size() == 2);
        int second = server.listeners().get(1).port();
        try (Socket s = connect(second)) {
          return List.of(String.valueOf(server.listeners().get(0).port()), echo(open, "first"), echo(s, "second"),
              String.valueOf(second != first));
        }
      }
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen).containsExactly(String.valueOf(first), "first", "second", "true");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("the first of two entries removed: its port refuses new connections; the second, matched by its port "
      + "and not its place, keeps its connection")
  void listenerRemoved(Vertx vertx, VertxTestContext ctx) throws Exception {
    int removed = WatchedConfig.freePort();
    int kept = WatchedConfig.freePort();
    EchoServerVerticle server = start(vertx, WatchedConfig.withListeners(tcp().put("port", removed),
        tcp().put("port", kept)));
    vertx.executeBlocking(() -> {
      try (Socket open = connect(kept)) {
        assertThat(echo(open, "before")).isEqualTo("before");
        config.write(WatchedConfig.withListeners(tcp().put("port", kept)));
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.listeners().size() == 1);
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
            assertThatThrownBy(() -> connect(removed).close()).isInstanceOf(ConnectException.class));
        return List.of(String.valueOf(server.actualPort()), echo(open, "still here"));
      }
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen).containsExactly(String.valueOf(kept), "still here");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("an http entry removed from listeners: its port refuses new connections and the server stays ready")
  void httpListenerRemovedServerStaysReady(Vertx vertx, VertxTestContext ctx) throws Exception {
    EchoServerVerticle server = start(vertx, WatchedConfig.withListeners(tcp(), new JsonObject().put("protocol",
        "http")));
    int removed = server.actualPort(Protocol.HTTP);
    vertx.executeBlocking(() -> {
      config.write(WatchedConfig.withListeners(tcp()));
      // The port is closed by the listener's stop(), which every listener starts by reporting a drain.
      await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
          assertThatThrownBy(() -> connect(removed).close()).isInstanceOf(ConnectException.class));
      try (Socket s = connect(server.actualPort())) {
        return List.of(String.valueOf(server.ready()), echo(s, "tcp still here"));
      }
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen).containsExactly("true", "tcp still here");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("tcp → tls on the same port: the listener is replaced and the port then speaks TLS")
  void protocolChangeOnSamePort(Vertx vertx, VertxTestContext ctx) throws Exception {
    int port = WatchedConfig.freePort();
    EchoServerVerticle server = start(vertx, WatchedConfig.withListeners(tcp().put("port", port)));
    TlsProbe probe = new TlsProbe(vertx);
    vertx.executeBlocking(() -> {
      config.write(WatchedConfig.withListeners(new JsonObject().put("protocol", "tls").put("port", port)
          .put("tls", new JsonObject().put("selfSigned", true))));
      await().atMost(20, TimeUnit.SECONDS).until(() -> server.actualPort(Protocol.TLS) == port);
      NetSocket tls = probe.connect(port);
      String echoed = TlsProbe.echo(tls, "now in TLS");
      tls.close();
      return echoed;
    }).onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
      assertThat(echoed).isEqualTo("now in TLS");
      assertThat(server.actualPort(Protocol.TCP)).as("no tcp listener left").isEqualTo(-1);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
  @DisplayName("tcp → tls on the same port: while the old listener drains, the port refuses connections and the "
      + "server is not ready")
  void protocolChangeWaitsForTheDrain(Vertx vertx, VertxTestContext ctx) throws Exception {
    int port = WatchedConfig.freePort();
    EchoServerVerticle server = start(vertx, WatchedConfig.withListeners(tcp().put("port", port))
        .put("shutdownTimeout", 60_000));
    vertx.executeBlocking(() -> {
      try (StalledClient client = new StalledClient(port)) {
        long sent = client.pushUntilStalled(PUSH_LIMIT);
        config.write(WatchedConfig.withListeners(new JsonObject().put("protocol", "tls").put("port", port)
            .put("tls", new JsonObject().put("selfSigned", true))).put("shutdownTimeout", 60_000));
        await().atMost(20, TimeUnit.SECONDS).until(() -> config.logs("on the same address"));
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThatThrownBy(() -> connect(port).close())
            .as("a new connection while the old listener drains").isInstanceOf(ConnectException.class));
        boolean readyWhileDraining = server.ready();
        // The stalled client reads its echoes: the drain ends, and the tls listener takes the port.
        long received = client.readToEnd();
        await().atMost(20, TimeUnit.SECONDS).until(server::ready);
        return List.of(readyWhileDraining, received == sent, server.actualPort(Protocol.TLS) == port);
      }
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertThat(seen).as("ready while draining, every byte echoed, tls on the port").containsExactly(false, true, true);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("udp.maxDatagramSize raised on the same port: the udp listener is replaced and echoes a datagram "
      + "the old limit dropped")
  void udpSettingsChangeOnSamePort(Vertx vertx, VertxTestContext ctx) throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    EchoServerVerticle server = start(vertx, WatchedConfig.withListeners(udp(port, 100)));
    vertx.executeBlocking(() -> {
      config.write(WatchedConfig.withListeners(udp(port, 1000)));
      await().atMost(10, TimeUnit.SECONDS).until(() -> server.listeners().size() == 1
          && server.listeners().get(0).options().udp().maxDatagramSize() == 1000);
      byte[] payload = new byte[500];
      new Random(5).nextBytes(payload);
      try (DatagramSocket client = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
        client.setSoTimeout(WatchedConfig.READ_TIMEOUT_MILLIS);
        client.send(new DatagramPacket(payload, payload.length, InetAddress.getByName("127.0.0.1"), port));
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        client.receive(reply);
        return Arrays.equals(Arrays.copyOf(reply.getData(), reply.getLength()), payload)
            && server.listeners().get(0).port() == port;
      }
    }).onComplete(ctx.succeeding(echoedOnSamePort -> ctx.verify(() -> {
      assertThat(echoedOnSamePort).as("the 500 bytes echoed, on the same port").isTrue();
      ctx.completeNow();
    })));
  }

  static JsonObject udp(int port, int maxDatagramSize) {
    return new JsonObject().put("protocol", "udp").put("port", port)
        .put("udp", new JsonObject().put("maxDatagramSize", maxDatagramSize));
  }
}
