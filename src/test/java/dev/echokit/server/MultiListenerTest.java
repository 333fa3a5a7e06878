package dev.echokit.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.echokit.config.ListenerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class MultiListenerTest {

  final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(EchoServerVerticle.class)).addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    ((Logger) LoggerFactory.getLogger(EchoServerVerticle.class)).detachAppender(logged);
  }

  static EchoServerVerticle twoTcpListeners() {
    return new EchoServerVerticle(TestOptions.anyPort().withListeners(List.of(
        ListenerOptions.tcp("127.0.0.1", 0, 2), ListenerOptions.tcp("127.0.0.1", 0, 1))));
  }

  @Test
  @DisplayName("two tcp listeners bind two ports and each echoes byte for byte")
  void eachListenerEchoes(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = twoTcpListeners();
    NetClient client = vertx.createNetClient();
    byte[] first = "first listener".getBytes(StandardCharsets.UTF_8);
    byte[] second = "second listener".getBytes(StandardCharsets.UTF_8);
    vertx.deployVerticle(server)
        .compose(id -> ConcurrentConnectionsTest.echo(client, server.listeners().get(0).port(), first))
        .compose(n -> ConcurrentConnectionsTest.echo(client, server.listeners().get(1).port(), second))
        .onComplete(ctx.succeeding(n -> ctx.verify(() -> {
          assertThat(n).isEqualTo(second.length);
          assertThat(server.listeners().get(0).port()).isPositive().isNotEqualTo(server.listeners().get(1).port());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("each listener logs one 'listening on tcp://host:port' line with its own port and event loops")
  void oneStartLinePerListener(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = twoTcpListeners();
    vertx.deployVerticle(server).onComplete(ctx.succeeding(id -> ctx.verify(() -> {
      List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.startsWith("EchoKit listening on")).toList();
      assertThat(lines).containsExactly(
          "EchoKit listening on tcp://127.0.0.1:" + server.listeners().get(0).port() + " (2 event loops, direct echo)",
          "EchoKit listening on tcp://127.0.0.1:" + server.listeners().get(1).port() + " (1 event loop, direct echo)");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("readiness counts the instances of every listener")
  void readyWhenAllListenersBound(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = twoTcpListeners();
    vertx.deployVerticle(server).onComplete(ctx.succeeding(id -> ctx.verify(() -> {
      assertThat(server.ready()).isTrue();
      assertThat(server.listeners()).extracting(b -> b.urls().get(0)).allMatch(u -> u.startsWith("tcp://127.0.0.1:"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a second listener on a busy port fails the start with a line naming its key")
  void busySecondPort(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle first = new EchoServerVerticle(TestOptions.anyPort());
    vertx.deployVerticle(first).compose(id -> {
      int busy = first.actualPort();
      return vertx.deployVerticle(new EchoServerVerticle(TestOptions.anyPort().withListeners(List.of(
          ListenerOptions.tcp("localhost", 0, 1), ListenerOptions.tcp("localhost", busy, 1)))));
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ListenException.class)
          .hasMessage("port " + first.actualPort() + " is already in use on localhost — stop the other server or "
              + "choose another port (listeners[1].port, or 0 for any free port)");
      ctx.completeNow();
    })));
  }
}
