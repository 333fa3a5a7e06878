package dev.echokit.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The one round trip an exchange has outstanding: its promise and timeout, the bytes expected and how many came back
 * verified, and a failure seen while none was outstanding, which the next round trip reports.
 */
final class PendingEcho {

  private final Vertx vertx;
  private final long timeoutMillis;
  private Buffer expected;
  private int received;
  private Promise<Void> pending;
  private long timer = -1;
  private boolean closed;
  /** A failure seen between requests (bytes nobody sent), reported by the next request. */
  private Throwable broken;

  PendingEcho(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
  }

  /** Why a round trip of {@code data} cannot start (the connection broke or closed), or null if it can. */
  Future<Void> refusal(Buffer data) {
    if (broken != null) {
      return Future.failedFuture(broken);
    }
    if (closed) {
      return Future.failedFuture(EchoException.closedEarly(0, data.length()));
    }
    return null;
  }

  /** Expects {@code data} back within the timeout; the caller sends it. */
  Future<Void> begin(Buffer data) {
    expected = data;
    received = 0;
    pending = Promise.promise();
    timer = vertx.setTimer(timeoutMillis, id -> fail(EchoException.timeout(timeoutMillis, received, expected.length())));
    return pending.future();
  }

  boolean outstanding() {
    return pending != null;
  }

  int received() {
    return received;
  }

  int expectedLength() {
    return expected.length();
  }

  /** Checks {@code chunk} against the next expected bytes; fails the round trip at the first wrong or extra byte. */
  boolean verify(Buffer chunk) {
    int n = chunk.length();
    for (int i = 0; i < n; i++) {
      int offset = received + i;
      if (offset >= expected.length()) {
        fail(EchoException.extraBytes(expected.length(), received + n - expected.length()));
        return false;
      }
      if (chunk.getByte(i) != expected.getByte(offset)) {
        fail(EchoException.mismatch(offset, expected.getByte(offset), chunk.getByte(i)));
        return false;
      }
    }
    received += n;
    return true;
  }

  /** The connection closed: no round trip can start any more; returns whether one was outstanding. */
  boolean closed() {
    closed = true;
    return pending != null;
  }

  void succeed() {
    Promise<Void> p = settle();
    if (p != null) {
      p.complete();
    }
  }

  void fail(Throwable err) {
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
