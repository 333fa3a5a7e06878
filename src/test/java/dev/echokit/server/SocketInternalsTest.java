package dev.echokit.server;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.OutputStream;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the Vert.x internals the echo path relies on ({@link SocketInternals}): if a Vert.x upgrade
 * changes them, this test names what broke.
 */
@ExtendWith(VertxExtension.class)
class SocketInternalsTest {

  @Test
  @DisplayName("Vert.x still hands servers NetSocketInternal sockets whose pipeline ends in 'handler', delivering ByteBufs and the end of input")
  void internalsStillHold(Vertx vertx, VertxTestContext ctx) {
    var checks = ctx.checkpoint(3);
    NetServer server = vertx.createNetServer().connectHandler(socket -> ctx.verify(() -> {
      assertThat(socket).as("NetSocket implementation").isInstanceOf(NetSocketInternal.class);
      assertThat(((NetSocketInternal) socket).channelHandlerContext().name())
          .as("name of Vert.x's last pipeline handler").isEqualTo("handler");
      checks.flag();
      SocketInternals.endOfInputAsEmptyRead(socket);
      SocketInternals.onByteBuf(socket, buf -> ctx.verify(() -> {
        if (buf.isReadable()) {
          assertThat(buf).isInstanceOf(ByteBuf.class);
          checks.flag();
        } else {
          checks.flag();
        }
        buf.release();
      }));
    }));
    server.listen(0, "127.0.0.1").onComplete(ctx.succeeding(s -> vertx.executeBlocking(() -> {
      try (Socket client = new Socket("127.0.0.1", server.actualPort())) {
        OutputStream out = client.getOutputStream();
        out.write(1);
        out.flush();
        Thread.sleep(100);
        client.shutdownOutput();
        return client.getInputStream().read();
      }
    })));
  }
}
