package dev.echokit.loadgen;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins what {@link RawSocket} relies on in Vert.x's internal {@link NetSocketInternal}: when a Vert.x upgrade changes
 * it, this test fails and says so, rather than the load generator misbehaving.
 */
@ExtendWith(VertxExtension.class)
class RawSocketTest {

  static final String UPGRADE = "Vert.x internals changed: dev.echokit.loadgen.RawSocket needs updating — ";

  /** Held for the test's life: Vert.x 5 closes a client that becomes unreachable. */
  NetClient client;

  @Test
  @DisplayName("a client NetSocket is a NetSocketInternal")
  void clientSocketIsInternal(Vertx vertx, VertxTestContext ctx) {
    connectToEcho(vertx).onComplete(ctx.succeeding(socket -> ctx.verify(() -> {
      assertThat(socket).as(UPGRADE + "NetSocket no longer implements NetSocketInternal")
          .isInstanceOf(NetSocketInternal.class);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("reads arrive as Netty ByteBufs, released once the handler returns; written slices echo byte for byte")
  void byteBufsInAndOut(Vertx vertx, VertxTestContext ctx) {
    PayloadBlock block = new PayloadBlock(4096, 42);
    List<ByteBuf> seen = new ArrayList<>();
    byte[] expected = new byte[3000];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = block.at(500 + i);
    }
    byte[] got = new byte[expected.length];
    int[] received = {0};
    connectToEcho(vertx).onComplete(ctx.succeeding(socket -> {
      RawSocket raw = new RawSocket(socket);
      raw.onRead(buf -> {
        seen.add(buf);
        int n = Math.min(buf.readableBytes(), got.length - received[0]);
        buf.getBytes(buf.readerIndex(), got, received[0], n);
        received[0] += n;
        if (received[0] == got.length) {
          // Released after this handler returns, so checked on the next turn of the event loop.
          vertx.runOnContext(v -> ctx.verify(() -> {
            assertThat(got).as("echoed bytes").isEqualTo(expected);
            assertThat(seen).as(UPGRADE + "ByteBufs handed to messageHandler must be released by it")
                .allMatch(b -> b.refCnt() == 0);
            ctx.completeNow();
          }));
        }
      });
      raw.write(block.slice(500, 1000));
      raw.write(block.slice(1500, 2000));
    }));
  }

  @Test
  @DisplayName("tasks scheduled on the connection's event loop run on that event loop")
  void scheduleRunsOnTheEventLoop(Vertx vertx, VertxTestContext ctx) {
    connectToEcho(vertx).onComplete(ctx.succeeding(socket -> {
      Thread[] loop = new Thread[1];
      RawSocket raw = new RawSocket(socket);
      raw.onRead(buf -> loop[0] = Thread.currentThread());
      socket.write("x");
      // Long after the echo of "x" has been read on the socket's event loop.
      raw.schedule(() -> ctx.verify(() -> {
        assertThat(Thread.currentThread()).as(UPGRADE + "channelHandlerContext().executor() is not the socket's event loop")
            .isSameAs(loop[0]);
        ctx.completeNow();
      }), 200_000_000L);
    }));
  }

  private Future<NetSocket> connectToEcho(Vertx vertx) {
    return new TestServers(vertx).echo().compose(server -> {
      client = vertx.createNetClient();
      return client.connect(server.actualPort(), "127.0.0.1");
    });
  }
}
