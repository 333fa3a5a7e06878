package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import dev.echokit.metrics.ListenerMeters;

import java.util.concurrent.TimeUnit;

/** One admitted HTTP connection under the connection limits: its slot, given back once, and its client's activity. */
final class HttpConnectionSlot {

  /** Closes the connection for a broken limit; {@code reason} says which and why, for the close frame and the log. */
  interface Closer {
    void close(LimitReason limit, String reason);
  }

  private final ConnectionLimits limits;
  private final Rejections rejections;
  private final ListenerMeters meters;
  private final String address;
  private final Object peer;
  private final long openedNanos;
  /**
   * maxConnectionBytes as it was when the connection was accepted (as for a TCP connection), or the largest
   * long when off, so that the check per body chunk or frame is one comparison.
   */
  private final long byteLimit;
  /**
   * What a broken limit closes: the HTTP connection, then its WebSocket once upgraded (the slot stays the same).
   * This and the fields below are touched on the connection's event loop only.
   */
  private Closer closer;
  private long heard;
  private long heardAtLastCheck;
  private long lastActiveNanos;
  /** Bytes of request bodies and WebSocket message payloads the client has sent; headers and framing are not counted. */
  private long received;
  private boolean held = true;
  /** Set once a limit has closed the connection, so that a close handshake in progress is not counted twice. */
  private boolean closing;

  HttpConnectionSlot(ConnectionLimits limits, Rejections rejections, ListenerMeters meters, String address, Object peer,
                     Closer closer, long nowNanos) {
    this.limits = limits;
    this.rejections = rejections;
    this.meters = meters;
    this.address = address;
    this.peer = peer;
    this.closer = closer;
    this.openedNanos = nowNanos;
    this.lastActiveNanos = nowNanos;
    long maxBytes = limits.current().maxConnectionBytes();
    this.byteLimit = maxBytes > 0 ? maxBytes : Long.MAX_VALUE;
    meters.opened();
  }

  /** The client sent something (a request, part of a body, a frame): the connection is not idle. */
  void heard() {
    heard++;
  }

  /**
   * Counts {@code bytes} of a body or a WebSocket message from the client; false when the connection is being
   * closed (these bytes broke maxConnectionBytes and closed it, or a limit closed it before): drop them.
   */
  boolean received(int bytes) {
    received += bytes;
    if (received > byteLimit && !closing) {
      closeFor(LimitReason.MAX_CONNECTION_BYTES, "sent more than " + byteLimit + " bytes");
    }
    return !closing;
  }

  /** From now on a broken limit closes the connection this way (a WebSocket's close frame after an upgrade). */
  void closeWith(Closer newCloser) {
    closer = newCloser;
  }

  /** Closes the connection if its client has been silent or it has been open too long, under {@code current} limits. */
  void checkTimeLimits(long nowNanos, LimitOptions current) {
    if (!held || closing) {
      return;
    }
    if (heard != heardAtLastCheck) {
      heardAtLastCheck = heard;
      lastActiveNanos = nowNanos;
    } else if (current.idleTimeoutMillis() > 0
        && nowNanos - lastActiveNanos >= TimeUnit.MILLISECONDS.toNanos(current.idleTimeoutMillis())) {
      closeFor(LimitReason.IDLE_TIMEOUT, "sent nothing for " + current.idleTimeoutMillis() + " ms");
      return;
    }
    if (current.maxConnectionDurationMillis() > 0
        && nowNanos - openedNanos >= TimeUnit.MILLISECONDS.toNanos(current.maxConnectionDurationMillis())) {
      closeFor(LimitReason.MAX_CONNECTION_DURATION, "open for " + current.maxConnectionDurationMillis() + " ms");
    }
  }

  private void closeFor(LimitReason limit, String reason) {
    closing = true;
    rejections.record(limit, peer, reason);
    meters.rejected(limit.tag);
    closer.close(limit, reason);
  }

  /** Gives the slot back; true the first time, so every close path may call it. */
  boolean release() {
    if (!held) {
      return false;
    }
    held = false;
    limits.release(address);
    meters.closed();
    return true;
  }
}
