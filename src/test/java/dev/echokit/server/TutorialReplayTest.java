package dev.echokit.server;

import dev.echokit.client.ClientVerticle;
import dev.echokit.config.ClientOptions;
import dev.echokit.config.ServerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class TutorialReplayTest {

  static final ServerOptions ANY_PORT = TestOptions.anyPort();

  @Test
  @DisplayName("the tutorial's 'Hello, server!' comes back byte-identical to a plain socket")
  void plainSocketGetsHelloBack(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(ANY_PORT);
    vertx.deployVerticle(server).onComplete(ctx.succeeding(id -> vertx.executeBlocking(() -> {
      try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
        byte[] hello = "Hello, server!".getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(hello);
        InputStream in = s.getInputStream();
        byte[] echoed = in.readNBytes(hello.length);
        return echoed;
      }
    }).onComplete(ctx.succeeding(echoed -> ctx.verify(() -> {
      assertThat(echoed).isEqualTo("Hello, server!".getBytes(StandardCharsets.UTF_8));
      ctx.completeNow();
    })))));
  }

  @Test
  @DisplayName("ClientVerticle prints the tutorial's exact line 'Received Hello, server!'")
  void clientPrintsTutorialLine(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(ANY_PORT);
    List<String> printed = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(server).compose(id -> {
      ClientVerticle client = new ClientVerticle(
          ClientOptions.defaults().withPort(server.actualPort()).withHost("127.0.0.1"), printed::add);
      return vertx.deployVerticle(client).compose(cid -> client.completion());
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(printed).containsExactly("Received Hello, server!");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("the server listens on the port it reports, and undeploying it closes that port")
  void undeployClosesThePort(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(ANY_PORT.withInstances(2));
    NetClient client = vertx.createNetClient();
    vertx.deployVerticle(server).compose(id -> {
      int port = server.actualPort();
      return client.connect(port, "127.0.0.1")
          .compose(socket -> socket.close())
          .compose(v -> vertx.undeploy(id))
          .compose(v -> client.connect(port, "127.0.0.1"));
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).hasMessageContaining("Connection refused");
      ctx.completeNow();
    })));
  }
}
