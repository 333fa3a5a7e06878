package dev.echokit.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * One request at a time over one connection: send bytes, then check each echoed byte against them as
 * it arrives, failing at the first difference, on timeout or when the server closes early.
 */
final class EchoExchange implements Exchange {

  private final Vertx vertx;
  private final NetSocket socket;
  private final long timeoutMillis;
  private Buffer expected;
  private int received;
  private Promise<Void> pending;
  private long timer = -1;
  private boolean closed;
  /** Whether the server has ever sent a byte on this connection. */
  private boolean receivedAny;
  /** A failure seen between requests (bytes nobody sent), reported by the next request. */
  private Throwable broken;

  EchoExchange(Vertx vertx, NetSocket socket, long timeoutMillis) {
    this.vertx = vertx;
    this.socket = socket;
    this.timeoutMillis = timeoutMillis;
    socket.handler(this::onData);
    socket.closeHandler(v -> onClose());
    socket.exceptionHandler(err -> fail(EchoException.io(socket.remoteAddress().toString(), err)));
  }

  /** A byte stream has no message types: {@code text} makes no difference. */
  @Override
  public Future<Void> roundTrip(Buffer data, boolean text) {
    return roundTrip(data);
  }

  @Override
  public Future<Void> close() {
    return socket.close();
  }

  /** Sends {@code data} and completes once the same bytes have come back. */
  Future<Void> roundTrip(Buffer data) {
    if (broken != null) {
      return Future.failedFuture(broken);
    }
    if (closed) {
      return Future.failedFuture(EchoException.closedEarly(0, data.length()));
    }
    expected = data;
    received = 0;
    pending = Promise.promise();
    timer = vertx.setTimer(timeoutMillis, id -> fail(EchoException.timeout(timeoutMillis, received, expected.length())));
    socket.write(data);
    if (data.length() == 0) {
      succeed();
    }
    return pending.future();
  }

  private void onData(Buffer chunk) {
    if (pending == null) {
      fail(EchoException.unexpected(chunk.length()));
      return;
    }
    int n = chunk.length();
    for (int i = 0; i < n; i++) {
      int offset = received + i;
      if (offset >= expected.length()) {
        fail(EchoException.extraBytes(expected.length(), received + n - expected.length()));
        return;
      }
      if (chunk.getByte(i) != expected.getByte(offset)) {
        fail(EchoException.mismatch(offset, expected.getByte(offset), chunk.getByte(i)));
        return;
      }
    }
    received += n;
    receivedAny = true;
    if (received == expected.length()) {
      succeed();
    }
  }

  private void onClose() {
    closed = true;
    if (pending != null) {
      // A TLS listener drops a plain client without a byte: worth a hint, as long as nothing ever came back.
      fail(!socket.isSsl() && !receivedAny ? EchoException.closedBeforeAnyEcho(expected.length())
          : EchoException.closedEarly(received, expected.length()));
    }
  }

  private void succeed() {
    Promise<Void> p = settle();
    if (p != null) {
      p.complete();
    }
  }

  private void fail(Throwable err) {
    Promise<Void> p = settle();
    if (p != null) {
      p.fail(err);
    } else if (broken == null) {
      broken = err;
    }
  }

  private Promise<Void> settle() {
    vertx.cancelTimer(timer);
    Promise<Void> p = pending;
    pending = null;
    return p;
  }
}
