package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import dev.echokit.metrics.ListenerMeters;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.TimeUnit;

/** One accepted connection's running state: bytes read, its per-connection limits, its close when the server drains. */
final class ServedConnection {

  /**
   * A draining connection is closed once it has read nothing for this long with its echoes written: long
   * enough for bytes already in the kernel to be read once reads resume, short enough not to hold shutdown.
   */
  static final long QUIET_MILLIS = 100;

  private final Vertx vertx;
  private final NetSocket socket;
  private final Rejections rejections;
  private final ListenerMeters meters;
  private final LimitOptions limits;
  /** maxConnectionBytes, or the largest long when off, so that the check per read is one comparison. */
  private final long byteLimit;
  private final long openedNanos;
  /** Written and read on the connection's event loop only. */
  private long received;
  private long receivedAtLastCheck;
  private long lastActiveNanos;
  private boolean open = true;

  ServedConnection(Vertx vertx, NetSocket socket, LimitOptions limits, Rejections rejections, ListenerMeters meters,
                   long nowNanos) {
    this.vertx = vertx;
    this.meters = meters;
    this.socket = socket;
    this.limits = limits;
    this.rejections = rejections;
    this.byteLimit = limits.maxConnectionBytes() > 0 ? limits.maxConnectionBytes() : Long.MAX_VALUE;
    this.openedNanos = nowNanos;
    this.lastActiveNanos = nowNanos;
  }

  /** Called by the echo modes once per read, before its bytes are written back. */
  void onRead(int bytes) {
    received += bytes;
    meters.echoed(bytes);
    if (received > byteLimit) {
      closeFor(LimitReason.MAX_CONNECTION_BYTES, "sent more than " + byteLimit + " bytes");
    }
  }

  long received() {
    return received;
  }

  void closed() {
    open = false;
  }

  /** Closes the connection if it has been silent or open too long; called every sweep of its listener. */
  void checkTimeLimits(long nowNanos) {
    if (received != receivedAtLastCheck) {
      receivedAtLastCheck = received;
      lastActiveNanos = nowNanos;
    } else if (limits.idleTimeoutMillis() > 0
        && nowNanos - lastActiveNanos >= TimeUnit.MILLISECONDS.toNanos(limits.idleTimeoutMillis())) {
      closeFor(LimitReason.IDLE_TIMEOUT, "sent nothing for " + limits.idleTimeoutMillis() + " ms");
      return;
    }
    if (limits.maxConnectionDurationMillis() > 0
        && nowNanos - openedNanos >= TimeUnit.MILLISECONDS.toNanos(limits.maxConnectionDurationMillis())) {
      closeFor(LimitReason.MAX_CONNECTION_DURATION, "open for " + limits.maxConnectionDurationMillis() + " ms");
    }
  }

  private void closeFor(LimitReason reason, String detail) {
    if (open) {
      open = false;
      rejections.record(reason, socket.remoteAddress(), detail);
      meters.rejected(reason.tag);
      socket.close();
    }
  }

  /** Closes the connection now, whatever it is doing: the end of a drain's time. */
  void closeNow() {
    if (open) {
      open = false;
      socket.close();
    }
  }

  /**
   * The server is shutting down: keep echoing, and close as soon as the client has been quiet for
   * {@link #QUIET_MILLIS} and every echo has been written. A client that keeps sending, or never reads,
   * is closed by Vert.x when the shutdown timeout runs out.
   */
  void closeWhenQuiet() {
    long seen = received;
    vertx.setTimer(QUIET_MILLIS, t -> {
      if (!open) {
        return;
      }
      // Silence while reading is paused by backpressure says nothing about the client: the kernel may hold more.
      if (received != seen || socket.writeQueueFull() || SocketInternals.readingPaused(socket)) {
        closeWhenQuiet();
        return;
      }
      // An empty write completes once every echo queued before it has reached the kernel.
      socket.write(Buffer.buffer()).onSuccess(v -> confirmQuiet());
    });
  }

  /**
   * Every echo is written: close if the client sends nothing for one more quiet period, with reading on from its
   * start. Reading resumes as the echoes drain, possibly in the very event-loop turn that completed the empty
   * write and before the bytes waiting in the kernel are read: closing at once would drop them (and reset).
   */
  private void confirmQuiet() {
    if (!open) {
      return;
    }
    if (SocketInternals.readingPaused(socket)) {
      closeWhenQuiet();
      return;
    }
    long seen = received;
    vertx.setTimer(QUIET_MILLIS, t -> {
      if (!open) {
        return;
      }
      // Reading pauses only after a read, so an unchanged count means nothing came in all along.
      if (received == seen) {
        socket.close();
      } else {
        closeWhenQuiet();
      }
    });
  }

}
