package dev.echokit.loadgen;

import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.LoadOptions;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.PeerOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.UdpOptions;
import dev.echokit.server.EchoServerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class UdpLoadTest {

  /** UDP with the default loss timeout (a second: a loopback echo that late is lost, not slow). */
  static final PeerOptions UDP = PeerOptions.TCP.withTransport(PeerOptions.Transport.UDP);

  /** Small runs on two event loops, measured from the first datagram. */
  static LoadOptions options(int port) {
    return LoadOptions.defaults().withPeer(UDP).withHost("127.0.0.1").withPort(port).withConnections(4)
        .withInstances(2).withWarmupSeconds(0).withSize(64, 1472).withDepth(4).withMessages(2000);
  }

  /** An EchoKit server with one UDP listener on 127.0.0.1 and the given limits. */
  static Future<EchoServerVerticle> server(Vertx vertx, UdpOptions udp) {
    EchoServerVerticle server = new EchoServerVerticle(ServerOptions.defaults().withMetrics(MetricsOptions.OFF)
        .withListeners(List.of(ListenerOptions.of(Protocol.UDP, "127.0.0.1", 0).withUdp(udp))));
    return vertx.deployVerticle(server).map(id -> server);
  }

  @Test
  @DisplayName("against EchoKit's UDP echo with its rate limits off, every datagram comes back verified and timed")
  void everyDatagramEchoed(Vertx vertx, VertxTestContext ctx) {
    server(vertx, new UdpOptions(UdpOptions.DEFAULT_MAX_DATAGRAM_SIZE, 0, 0))
        .compose(s -> new LoadGenerator(vertx, options(s.actualPort(Protocol.UDP))).run())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(2000);
          assertThat(r.latencyNanos().getTotalCount()).isEqualTo(2000);
          assertThat(r.totalErrors()).as(r.summary()).isZero();
          assertThat(r.openConnections()).isEqualTo(4);
          assertThat(r.exitCode()).isZero();
          assertThat(r.summary()).startsWith("4 udp sockets to udp://127.0.0.1:")
              .contains("lost datagrams 0").contains("  udp sockets  4 of 4 open to the end");
          assertThat(r.toJson().getJsonObject("errors").getLong("lost")).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a peer that drops every other datagram: the run goes on, each drop is counted lost, the rest measured")
  void lossIsCountedNotFatal(Vertx vertx, VertxTestContext ctx) throws IOException {
    DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> echoEveryOther(peer), "every-other-peer");
    thread.setDaemon(true);
    thread.start();
    LoadOptions o = options(peer.getLocalPort()).withConnections(1).withInstances(1).withDepth(1).withMessages(10);
    new LoadGenerator(vertx, o).run()
        .eventually(() -> {
          peer.close();
          return Future.succeededFuture();
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.messages()).isEqualTo(5);
          assertThat(r.errors(ErrorKind.LOST)).isEqualTo(5);
          assertThat(r.totalErrors()).isEqualTo(5);
          assertThat(r.openConnections()).as("the socket kept going").isEqualTo(1);
          assertThat(r.exitCode()).isEqualTo(1);
          assertThat(r.summary()).contains("errors       5  (mismatch 0, closed early 0, io 0, connect failures 0, "
              + "lost datagrams 5)");
          assertThat(r.errorSamples()).first().asString()
              .matches("socket 0: a \\d+-byte datagram got no echo within 1000 ms");
          assertThat(r.toJson().getJsonObject("errors").getLong("lost")).isEqualTo(5);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("against EchoKit's default per-source limit, what the server drops is what the bench reports lost")
  void serverDropsShowAsLoss(Vertx vertx, VertxTestContext ctx) {
    // Five seconds' budget: a bench sending faster than 1250 datagrams/s, which any machine does over loopback,
    // outruns the refill.
    int datagrams = 5 * UdpOptions.DEFAULT_DATAGRAMS_PER_SECOND;
    server(vertx, UdpOptions.DEFAULTS)
        .compose(s -> new LoadGenerator(vertx, options(s.actualPort(Protocol.UDP)).withConnections(2).withDepth(8)
            .withSize(64, 64).withMessages(datagrams)).run()
            .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
              long dropped = s.rejections().get(UdpOptions.DATAGRAMS_PER_SECOND);
              assertThat(r.errors(ErrorKind.LOST)).isEqualTo(dropped).isPositive();
              assertThat(r.messages() + r.errors(ErrorKind.LOST)).isEqualTo(datagrams);
              assertThat(r.errors(ErrorKind.MISMATCH)).isZero();
              ctx.completeNow();
            }))));
  }

  /** Echoes datagrams 0, 2, 4 … and drops 1, 3, 5 … until the socket is closed. */
  private static void echoEveryOther(DatagramSocket socket) {
    byte[] buf = new byte[65_536];
    for (int i = 0; !socket.isClosed(); i++) {
      try {
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        socket.receive(packet);
        if (i % 2 == 0) {
          socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
        }
      } catch (IOException closed) {
        return;
      }
    }
  }
}
