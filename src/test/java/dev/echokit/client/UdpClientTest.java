package dev.echokit.client;

import dev.echokit.config.ClientOptions;
import dev.echokit.config.ConfigException;
import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.PeerOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.server.EchoServerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class UdpClientTest {

  final List<String> printed = new CopyOnWriteArrayList<>();
  PlainDatagramPeer peer;

  @AfterEach
  void stopPeer() throws InterruptedException {
    if (peer != null) {
      peer.close();
    }
  }

  ClientOptions to(int port) {
    return ClientOptions.defaults().withHost("127.0.0.1").withPort(port)
        .withPeer(PeerOptions.TCP.withTransport(PeerOptions.Transport.UDP));
  }

  Future<Void> run(Vertx vertx, ClientOptions options) {
    ClientVerticle client = new ClientVerticle(options, printed::add);
    return vertx.deployVerticle(client).compose(id -> client.completion());
  }

  @Test
  @DisplayName("sends each message as one datagram, prints each verified echo, then the counts")
  void messagesAsDatagrams(Vertx vertx, VertxTestContext ctx) throws SocketException {
    peer = new PlainDatagramPeer(PlainDatagramPeer.ECHO);
    run(vertx, to(peer.port()).withMessages(List.of("Hello, server!", "ünïcødé ✓", "x")))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received Hello, server!", "Received ünïcødé ✓", "Received x",
              "udp: 3 sent, 3 echoed, 0 lost");
          assertThat(peer.sizes).containsExactly(14, 15, 1);   // UTF-8 bytes: ü, ï, ø, é take two each, ✓ three
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("against EchoKit's own UDP listener, with its default limits, the tutorial's message comes back")
  void againstEchoKit(Vertx vertx, VertxTestContext ctx) {
    EchoServerVerticle server = new EchoServerVerticle(ServerOptions.defaults().withMetrics(MetricsOptions.OFF)
        .withListeners(List.of(ListenerOptions.of(Protocol.UDP, "127.0.0.1", 0))));
    vertx.deployVerticle(server)
        .compose(id -> run(vertx, to(server.actualPort(Protocol.UDP))))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received Hello, server!", "udp: 1 sent, 1 echoed, 0 lost");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("against a peer that drops every other datagram, counts the lost ones, goes on, and fails with one line")
  void countsLostDatagrams(Vertx vertx, VertxTestContext ctx) throws SocketException {
    peer = new PlainDatagramPeer(PlainDatagramPeer.EVERY_OTHER);
    run(vertx, to(peer.port()).withMessages(List.of("one", "two", "three", "four")))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received one", "Received three", "udp: 4 sent, 2 echoed, 2 lost");
          assertThat(err).isInstanceOf(EchoException.class).hasMessage("udp: 2 of 4 datagrams failed: 2 lost (no "
              + "echo within 1000 ms; an EchoKit server drops datagrams beyond its udp.* limits)");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("when nothing at all comes back, the line asks whether a UDP echo server listens there")
  void nothingAnswers(Vertx vertx, VertxTestContext ctx) throws SocketException {
    peer = new PlainDatagramPeer((index, data) -> null);
    run(vertx, to(peer.port())).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(printed).containsExactly("udp: 1 sent, 0 echoed, 1 lost");
      assertThat(err).hasMessage("udp: 1 of 1 datagrams failed: 1 lost (no echo within 1000 ms; is a UDP echo server "
          + "listening on 127.0.0.1:" + peer.port() + "?)");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("an echo with a changed byte is counted corrupted, naming the offset and both bytes")
  void countsCorruptedEchoes(Vertx vertx, VertxTestContext ctx) throws SocketException {
    peer = new PlainDatagramPeer((index, data) -> {
      byte[] reply = data.clone();
      if (index == 1) {
        reply[2] ^= 0x20;
      }
      return reply;
    });
    run(vertx, to(peer.port()).withMessages(List.of("good", "bad!", "fine")))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(printed).containsExactly("Received good", "Received fine",
              "udp: 3 sent, 2 echoed, 0 lost, 1 corrupted");
          assertThat(err).hasMessage("udp: 1 of 3 datagrams failed: 1 corrupted (first: echo mismatch at byte "
              + "offset 2: sent 0x64, received 0x44)");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("--payload over UDP is cut into datagrams of at most 1472 bytes, each verified")
  void payloadInDatagrams(Vertx vertx, VertxTestContext ctx) throws SocketException {
    peer = new PlainDatagramPeer(PlainDatagramPeer.ECHO);
    run(vertx, to(peer.port()).withPayloadBytes(5000)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(peer.sizes).containsExactly(1472, 1472, 1472, 584);
      assertThat(printed).hasSize(2);
      assertThat(printed.get(0)).startsWith("Received 5000 bytes in 4 datagrams, all verified (");
      assertThat(printed.get(1)).isEqualTo("udp: 4 sent, 4 echoed, 0 lost");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a message longer than any UDP datagram is refused before anything is sent, in one line")
  void messageTooLong(Vertx vertx, VertxTestContext ctx) throws SocketException {
    peer = new PlainDatagramPeer(PlainDatagramPeer.ECHO);
    run(vertx, to(peer.port()).withMessages(List.of("ok", "x".repeat(65_508))))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class).hasMessage("invalid client.messages: message 2 is "
              + "65508 bytes, above 65507, the largest UDP datagram over IPv4");
          assertThat(peer.sizes).isEmpty();
          ctx.completeNow();
        })));
  }
}
