package dev.echokit.server;

import dev.echokit.config.MetricsOptions;
import dev.echokit.config.ServerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class PortInUseTest {

  @Test
  @DisplayName("a port held by another process fails with 'port N is already in use on HOST'")
  void portInUse(Vertx vertx, VertxTestContext ctx) throws IOException {
    ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    int port = other.getLocalPort();
    ServerOptions options = ServerOptions.fromJson(new JsonObject().put("host", "127.0.0.1").put("port", port))
        .withMetrics(MetricsOptions.OFF);
    vertx.deployVerticle(new EchoServerVerticle(options)).onComplete(ctx.failing(err -> ctx.verify(() -> {
      other.close();
      assertThat(err).isInstanceOf(ListenException.class).hasMessage("port " + port
          + " is already in use on 127.0.0.1 — stop the other server or choose another port (ECHOKIT_PORT, or 0 for any free port)");
      ctx.completeNow();
    })));
  }
}
