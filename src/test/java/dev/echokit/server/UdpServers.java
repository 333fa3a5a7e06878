package dev.echokit.server;

import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.UdpOptions;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts an echo server with one UDP listener on 127.0.0.1, and talks to it from plain java.net sockets. */
final class UdpServers {

  /** Far longer than a loopback round trip: only a lost datagram waits this long. */
  static final int RECEIVE_TIMEOUT_MILLIS = 10_000;

  private UdpServers() {
  }

  /** A server whose only listener is UDP on a free port of 127.0.0.1, with {@code udp} limits and metrics as given. */
  static EchoServerVerticle start(Vertx vertx, UdpOptions udp, MetricsOptions metrics) throws Exception {
    ListenerOptions listener = ListenerOptions.of(Protocol.UDP, "127.0.0.1", 0).withUdp(udp);
    EchoServerVerticle server = new EchoServerVerticle(TestOptions.anyPort().withListeners(List.of(listener))
        .withMetrics(metrics));
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server;
  }

  static EchoServerVerticle start(Vertx vertx, UdpOptions udp) throws Exception {
    return start(vertx, udp, MetricsOptions.OFF);
  }

  /** A client socket on 127.0.0.1 whose receives give up after {@link #RECEIVE_TIMEOUT_MILLIS}. */
  static DatagramSocket client() throws IOException {
    DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
    return socket;
  }

  static void send(DatagramSocket socket, int port, byte[] data) throws IOException {
    socket.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(), port));
  }

  /** The next datagram's bytes; a buffer larger than any datagram, so none is cut. */
  static byte[] receive(DatagramSocket socket) throws IOException {
    DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
    socket.receive(packet);
    return Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
  }
}
