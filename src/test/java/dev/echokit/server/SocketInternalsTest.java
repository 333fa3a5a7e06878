package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import dev.echokit.metrics.EchoMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the Vert.x internals the echo path relies on ({@link SocketInternals}): if a Vert.x upgrade
 * changes them, this test names what broke.
 */
@ExtendWith(VertxExtension.class)
class SocketInternalsTest {

  @Test
  @DisplayName("Vert.x still hands servers NetSocketInternal sockets whose pipeline ends in a handler named 'handler'")
  void internalsStillHold(Vertx vertx, VertxTestContext ctx) {
    NetServer server = vertx.createNetServer().connectHandler(socket -> ctx.verify(() -> {
      assertThat(socket).as("NetSocket implementation").isInstanceOf(NetSocketInternal.class);
      assertThat(((NetSocketInternal) socket).channelHandlerContext().name())
          .as("name of Vert.x's last pipeline handler").isEqualTo("handler");
      ctx.completeNow();
    }));
    server.listen(0, "127.0.0.1").onComplete(ctx.succeeding(s -> vertx.executeBlocking(() -> {
      try (Socket client = new Socket("127.0.0.1", server.actualPort())) {
        return client.getInputStream().read();
      }
    })));
  }

  @Test
  @DisplayName("a handler put in front of Vert.x's sees every read: the direct echo answers on a plain Vert.x NetServer")
  void directEchoSeesReads(Vertx vertx, VertxTestContext ctx) {
    NetServer server = vertx.createNetServer().connectHandler(
        socket -> SocketInternals.echoDirectly(socket, new DirectEcho(new ServedConnection(vertx, socket,
            LimitOptions.defaults(), new Rejections(), EchoMetrics.off().listener(0, "direct", "tcp", List.of(), false),
            System.nanoTime()))));
    server.listen(0, "127.0.0.1").compose(s -> vertx.executeBlocking(() -> {
      try (Socket client = new Socket("127.0.0.1", server.actualPort())) {
        client.getOutputStream().write(new byte[] {1, 2, 3});
        client.shutdownOutput();
        return client.getInputStream().readAllBytes();
      }
    })).onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
      assertThat(echoed).containsExactly(1, 2, 3);
      ctx.completeNow();
    })));
  }
}
