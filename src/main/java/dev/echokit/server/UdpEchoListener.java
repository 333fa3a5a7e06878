package dev.echokit.server;

import dev.echokit.config.UdpOptions;
import dev.echokit.metrics.ListenerMeters;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 862 UDP echo: each datagram goes back to its source unchanged, unless it breaks a limit. Vert.x does not
 * spread one datagram socket over several event loops, so a UDP listener is one instance (the config enforces it).
 */
final class UdpEchoListener extends EchoListener {

  private static final Logger log = LoggerFactory.getLogger(UdpEchoListener.class);

  /**
   * Vert.x sets both the kernel's receive buffer (SO_RCVBUF) and the size of each read's buffer from this one
   * option; left unset, Netty reads into 2048-byte buffers and silently cuts longer datagrams, which would then
   * pass the size check and be echoed cut. 212,992 bytes is Linux's default {@code net.core.rmem_default}: larger
   * than any UDP datagram (65,507 bytes over IPv4), so every datagram arrives whole and its true size meets the
   * limit; and since the kernel doubles what it is asked for, its queue is no shallower than an untouched socket's.
   */
  static final int RECEIVE_BUFFER_BYTES = 212_992;
  /**
   * Reply bytes handed to the socket that the kernel has not taken yet. Past this the network is not taking
   * replies as fast as they come and queueing more would only grow memory, so further datagrams are dropped until
   * the backlog drains. Four MiB is twenty times Linux's default send buffer.
   */
  static final long MAX_PENDING_REPLY_BYTES = 4L << 20;

  private final ListenerContext context;
  private final UdpOptions udp;
  private final ListenerGroup group;
  private final ListenerMeters meters;
  private SourceBudgets budgets;
  private DatagramSocket socket;
  private int port = -1;
  /** Bytes sent but not yet written to the kernel; touched on the event loop only. */
  private long pendingReplyBytes;

  UdpEchoListener(ListenerContext context) {
    this.context = context;
    this.udp = context.listener().udp();
    this.group = context.group();
    this.meters = context.meters();
  }

  @Override
  public Future<?> start() {
    String host = context.listener().host();
    budgets = new SourceBudgets(udp, System.nanoTime());
    socket = vertx.createDatagramSocket(new DatagramSocketOptions()
        .setReceiveBufferSize(RECEIVE_BUFFER_BYTES)
        .setIpV6(host.contains(":")));
    socket.handler(this::echo);
    socket.exceptionHandler(err -> log.warn("udp://{}:{} socket error: {}", host, port, err.getMessage()));
    // A negative port asks stream listeners to share one random port; a lone datagram socket just takes any free one.
    return socket.listen(Math.max(0, context.bindPort()), host).onSuccess(s -> {
      port = s.localAddress().port();
      group.bound();
    });
  }

  /** Closes the socket at once: a datagram socket has no connections to drain. */
  @Override
  public Future<?> stop() {
    return socket.close().andThen(done -> meters.close());
  }

  @Override
  int actualPort() {
    return port;
  }

  private void echo(DatagramPacket packet) {
    Buffer data = packet.data();
    SocketAddress from = packet.sender();
    int size = data.length();
    if (size == 0) {
      // RFC 862 would answer with an empty datagram, but Netty's NIO and epoll transports never send one:
      // it would be counted as echoed and never arrive.
      log.debug("{} sent an empty datagram; Netty sends no empty reply", from);
      return;
    }
    if (from.port() < udp.minSourcePort()) {
      drop(LimitReason.UDP_MIN_SOURCE_PORT, from, "source port " + from.port() + " is a service's, below "
          + udp.minSourcePort());
      return;
    }
    if (size > udp.maxDatagramSize()) {
      drop(LimitReason.UDP_MAX_DATAGRAM_SIZE, from, size + " bytes, above " + udp.maxDatagramSize());
      return;
    }
    LimitReason over = budgets.admit(from.hostAddress(), size, System.nanoTime());
    if (over != null) {
      drop(over, from, over == LimitReason.UDP_DATAGRAMS_PER_SECOND
          ? "more than " + udp.datagramsPerSecond() + " datagrams/s from " + from.hostAddress()
          : "more than " + udp.bytesPerSecond() + " bytes/s from " + from.hostAddress());
      return;
    }
    if (pendingReplyBytes + size > MAX_PENDING_REPLY_BYTES) {
      drop(LimitReason.UDP_SEND_BACKLOG, from, pendingReplyBytes + " bytes of replies still wait for the kernel");
      return;
    }
    meters.echoed(size);
    pendingReplyBytes += size;
    // The reply is the request's own bytes, so it is never larger than the request.
    socket.send(data, from.port(), from.hostAddress()).onComplete(sent -> {
      pendingReplyBytes -= size;
      if (sent.failed()) {
        log.debug("reply to {} failed: {}", from, sent.cause().getMessage());
      }
    });
  }

  private void drop(LimitReason reason, SocketAddress from, String detail) {
    group.rejections.record(reason, from, detail);
    meters.rejected(reason.tag);
  }
}
