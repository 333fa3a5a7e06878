package dev.echokit.server;

import dev.echokit.config.ServerOptions;
import dev.echokit.config.ServerOptions.EchoMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class GracefulShutdownTest {

  /** Longer than any test's own timeout: a test passes only if the drain ends before it. */
  static final ServerOptions PATIENT = TestOptions.anyPort().withInstances(1)
      .withShutdownTimeout(ServerOptions.MAX_SHUTDOWN_TIMEOUT_MILLIS);
  static final int PUSH_LIMIT = 64 << 20;

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("on undeploy an idle connection is closed at once, long before the shutdown timeout")
  void idleConnectionClosedAtOnce(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(PATIENT);
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        byte[] echo = in.readNBytes(4);
        Future<Void> undeployed = vertx.undeploy(id);
        int afterClose = in.read();
        join(undeployed);
        return new String(echo, StandardCharsets.US_ASCII) + afterClose;
      }
    })).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertThat(result).isEqualTo("ping-1");
      ctx.completeNow();
    })));
  }

  @ParameterizedTest(name = "{0} echo")
  @EnumSource(EchoMode.class)
  @Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
  @DisplayName("on undeploy a connection stalled by backpressure still gets every byte it sent, then a clean close")
  void stalledConnectionDrainsThenCloses(EchoMode mode, Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(PATIENT.withEchoMode(mode));
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      try (StalledClient client = new StalledClient(server.actualPort())) {
        long sent = client.pushUntilStalled(PUSH_LIMIT);
        Future<Void> undeployed = vertx.undeploy(id);
        long received = client.readToEnd();
        join(undeployed);
        return new long[] {sent, received};
      }
    })).onComplete(ctx.succeeding(sentAndReceived -> ctx.verify(() -> {
      assertThat(sentAndReceived[1]).as("bytes echoed before a clean close").isEqualTo(sentAndReceived[0]);
      ctx.completeNow();
    })));
  }

  @ParameterizedTest(name = "{0} echo")
  @EnumSource(EchoMode.class)
  @Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
  @DisplayName("on undeploy a stalled client that starts reading only later still gets every byte, then a clean close")
  void lateReaderDrainsThenCloses(EchoMode mode, Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(PATIENT.withEchoMode(mode));
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      try (StalledClient client = new StalledClient(server.actualPort())) {
        long sent = client.pushUntilStalled(PUSH_LIMIT);
        Future<Void> undeployed = vertx.undeploy(id);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !server.ready());
        // Silent while stalled: the drain's quiet checks run a few times before the client reads a byte.
        Thread.sleep(5 * ServedConnection.QUIET_MILLIS);
        long received = client.readToEnd();
        join(undeployed);
        return new long[] {sent, received};
      }
    })).onComplete(ctx.succeeding(sentAndReceived -> ctx.verify(() -> {
      assertThat(sentAndReceived[1]).as("bytes echoed before a clean close").isEqualTo(sentAndReceived[0]);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a client that never reads is cut off when the shutdown timeout runs out")
  void nonReadingClientClosedAtTimeout(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(TestOptions.anyPort().withInstances(1).withShutdownTimeout(300));
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      try (StalledClient client = new StalledClient(server.actualPort())) {
        long sent = client.pushUntilStalled(PUSH_LIMIT);
        join(vertx.undeploy(id));
        long received = client.readToEnd();
        return new long[] {sent, received < 0 ? -1 - received : received};
      }
    })).onComplete(ctx.succeeding(sentAndReceived -> ctx.verify(() -> {
      assertThat(sentAndReceived[1]).as("echoed before the cut").isLessThan(sentAndReceived[0]);
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
  @DisplayName("while draining the server is not ready and refuses new connections")
  void drainingRefusesNewConnections(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(PATIENT);
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() -> {
      assertThat(server.ready()).as("ready once bound").isTrue();
      int port = server.actualPort();
      try (StalledClient client = new StalledClient(port)) {
        client.pushUntilStalled(PUSH_LIMIT);
        Future<Void> undeployed = vertx.undeploy(id);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !server.ready());
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
        assertThat(undeployed.isComplete()).as("still draining the stalled client").isFalse();
        client.readToEnd();
        join(undeployed);
        return true;
      }
    })).onComplete(ctx.succeeding(done -> ctx.completeNow()));
  }

  /** Waits on a worker thread, where Future.await is not allowed. */
  static void join(Future<?> future) throws Exception {
    future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
