package dev.echokit.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class InstancesTest {

  @Test
  @DisplayName("with instances: 4, accepted connections land on 4 different event-loop threads")
  void connectionsSpreadOverEventLoops(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(TestOptions.anyPort().withInstances(4));
    NetClient client = vertx.createNetClient();
    vertx.deployVerticle(server).compose(id -> {
      List<Future<Long>> echoes = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        // An echo proves the server has accepted and served the connection.
        echoes.add(ConcurrentConnectionsTest.echo(client, server.actualPort(), new byte[] {(byte) i}));
      }
      return Future.all(echoes);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(server.connectionsByEventLoop()).hasSize(4);
      assertThat(server.connectionsByEventLoop().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(16);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("two servers on port 0 in one Vert.x get two different ports")
  void twoServersOnPortZeroDoNotShare(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle a = new EchoServerVerticle(TestOptions.anyPort().withInstances(2));
    EchoServerVerticle b = new EchoServerVerticle(TestOptions.anyPort().withInstances(2));
    vertx.deployVerticle(a).compose(id -> vertx.deployVerticle(b)).onComplete(ctx.succeeding(id -> ctx.verify(() -> {
      assertThat(a.actualPort()).isPositive().isNotEqualTo(b.actualPort());
      ctx.completeNow();
    })));
  }
}
