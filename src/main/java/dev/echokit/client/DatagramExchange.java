package dev.echokit.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One datagram at a time to a UDP echo server: sends it, then waits up to the loss timeout for a datagram that
 * equals it. A wrong echo, or one that never comes, is an outcome rather than a failure, so the caller can go on.
 */
final class DatagramExchange {

  /** What became of one datagram. */
  enum Outcome { ECHOED, LOST, CORRUPTED }

  /** One datagram's outcome; {@code detail} says what was wrong with a corrupted echo. */
  record Result(Outcome outcome, String detail) {
  }

  /**
   * Vert.x sizes each read's buffer from the receive buffer option, and Netty's default (2048 bytes) would cut a
   * longer echo to fit. 64 KiB is larger than any UDP datagram, so an echo arrives whole and a longer one shows as such.
   */
  static final int RECEIVE_BUFFER_BYTES = 65_536;
  /**
   * Datagrams counted lost that are remembered, so that an echo coming back after its loss timeout is recognised as
   * late rather than taken for a corrupted echo of the datagram now in flight.
   */
  static final int REMEMBERED_LOST = 64;

  private final Vertx vertx;
  private final DatagramSocket socket;
  private final String serverAddress;
  private final int port;
  private final long lossTimeoutMillis;
  private final Deque<Buffer> lost = new ArrayDeque<>();
  private Buffer expected;
  private Promise<Result> pending;
  private long timer = -1;
  private int late;
  private int unexpected;

  private DatagramExchange(Vertx vertx, DatagramSocket socket, InetAddress server, int port, long lossTimeoutMillis) {
    this.vertx = vertx;
    this.socket = socket;
    this.serverAddress = server.getHostAddress();
    this.port = port;
    this.lossTimeoutMillis = lossTimeoutMillis;
    socket.handler(this::onDatagram);
  }

  /** Resolves {@code host} once and binds a socket of its address family on any free port. */
  static Future<DatagramExchange> open(Vertx vertx, String host, int port, long lossTimeoutMillis) {
    return vertx.executeBlocking(() -> InetAddress.getByName(host))
        .recover(err -> Future.failedFuture(EchoException.unknownHost(host, port)))
        .compose(address -> {
          boolean v6 = address instanceof Inet6Address;
          DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions()
              .setIpV6(v6)
              .setReceiveBufferSize(RECEIVE_BUFFER_BYTES));
          return socket.listen(0, v6 ? "::" : "0.0.0.0")
              .map(bound -> new DatagramExchange(vertx, socket, address, port, lossTimeoutMillis));
        });
  }

  /** Sends {@code data} as one datagram; completes with its outcome once it is echoed, wrong, or lost. */
  Future<Result> roundTrip(Buffer data) {
    expected = data;
    pending = Promise.promise();
    Promise<Result> mine = pending;
    timer = vertx.setTimer(lossTimeoutMillis, id -> {
      if (pending == mine) {
        remember(data);
        settle(new Result(Outcome.LOST, null));
      }
    });
    socket.send(data, port, serverAddress).onFailure(err -> {
      // The kernel refused the datagram (too large, no route): it cannot come back.
      if (pending == mine) {
        vertx.cancelTimer(timer);
        settle(new Result(Outcome.LOST, err.getMessage()));
      }
    });
    return mine.future();
  }

  /** Echoes that came back after their datagram had been counted lost. */
  int late() {
    return late;
  }

  /** Datagrams from the server's port that matched nothing sent: duplicates, or stray corrupted echoes. */
  int unexpected() {
    return unexpected;
  }

  Future<Void> close() {
    return socket.close();
  }

  private void onDatagram(DatagramPacket packet) {
    if (packet.sender().port() != port) {
      // Not from the echo server (the address is not compared: a multi-homed server may answer from another one).
      return;
    }
    Buffer echo = packet.data();
    if (pending != null && echo.equals(expected)) {
      vertx.cancelTimer(timer);
      settle(new Result(Outcome.ECHOED, null));
    } else if (lost.remove(echo)) {
      late++;
    } else if (pending != null) {
      vertx.cancelTimer(timer);
      settle(new Result(Outcome.CORRUPTED, difference(expected, echo)));
    } else {
      unexpected++;
    }
  }

  private void settle(Result result) {
    Promise<Result> p = pending;
    pending = null;
    expected = null;
    if (p != null) {
      p.complete(result);
    }
  }

  private void remember(Buffer data) {
    if (lost.size() == REMEMBERED_LOST) {
      lost.removeFirst();
    }
    lost.addLast(data);
  }

  /** Where the echo first differs from what was sent, as the TCP client says it. */
  private static String difference(Buffer sent, Buffer got) {
    int common = Math.min(sent.length(), got.length());
    for (int i = 0; i < common; i++) {
      if (sent.getByte(i) != got.getByte(i)) {
        return EchoException.mismatch(i, sent.getByte(i), got.getByte(i)).getMessage();
      }
    }
    return "echo mismatch: " + sent.length() + " bytes sent, " + got.length() + " came back";
  }
}
