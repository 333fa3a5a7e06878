package dev.echokit.client;

import dev.echokit.config.ClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ClientAgainstPlainPeerTest {

  final List<String> printed = new CopyOnWriteArrayList<>();
  PlainPeer peer;

  @AfterEach
  void stopPeer() throws IOException {
    if (peer != null) {
      peer.close();
    }
  }

  ClientOptions to(int port) {
    return ClientOptions.defaults().withHost("127.0.0.1").withPort(port);
  }

  Future<Void> run(Vertx vertx, ClientOptions options) {
    ClientVerticle client = new ClientVerticle(options, printed::add);
    return vertx.deployVerticle(client).compose(id -> client.completion());
  }

  @Test
  @DisplayName("verifies messages echoed by a plain java.net.ServerSocket peer")
  void messagesAgainstPlainPeer(Vertx vertx, VertxTestContext ctx) throws IOException {
    peer = new PlainPeer(PlainPeer.ECHO);
    run(vertx, to(peer.port()).withMessages(List.of("Hello, server!", "ünïcødé ✓", "x")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received Hello, server!", "Received ünïcødé ✓", "Received x");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("verifies a 4 MiB random payload echoed by a plain peer")
  void payloadAgainstPlainPeer(Vertx vertx, VertxTestContext ctx) throws IOException {
    peer = new PlainPeer(PlainPeer.ECHO);
    run(vertx, to(peer.port()).withPayloadBytes(4 << 20)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(printed).singleElement().asString().startsWith("Received 4194304 bytes, all verified");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a closed port fails with 'connection refused — is the server running?'")
  void refused(Vertx vertx, VertxTestContext ctx) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    run(vertx, to(port)).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(EchoException.class)
          .hasMessage("cannot connect to 127.0.0.1:" + port + ": connection refused — is the server running?");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a peer that changes a byte fails with the offset of the first differing byte")
  void mismatch(Vertx vertx, VertxTestContext ctx) throws IOException {
    peer = new PlainPeer((data, length, offset, out) -> {
      byte[] copy = data.clone();
      for (int i = 0; i < length; i++) {
        if (offset + i == 5) {
          copy[i] ^= 0x20;
        }
      }
      out.write(copy, 0, length);
      return true;
    });
    run(vertx, to(peer.port())).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(EchoException.class)
          .hasMessage("echo mismatch at byte offset 5: sent 0x2c, received 0x0c");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a peer that closes half-way fails with how many bytes came back")
  void closedEarly(Vertx vertx, VertxTestContext ctx) throws IOException {
    peer = new PlainPeer((data, length, offset, out) -> {
      out.write(data, 0, 7);
      out.flush();
      return false;
    });
    run(vertx, to(peer.port())).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(EchoException.class)
          .hasMessage("the server closed the connection early: 7 of 14 bytes came back");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a peer that never answers fails after the configured timeout")
  void timeout(Vertx vertx, VertxTestContext ctx) throws IOException {
    peer = new PlainPeer((data, length, offset, out) -> true);
    run(vertx, to(peer.port()).withTimeoutMillis(300)).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(EchoException.class)
          .hasMessage("timed out after 300 ms waiting for the echo: 0 of 14 bytes came back");
      ctx.completeNow();
    })));
  }
}
