package dev.echokit.server;

import dev.echokit.metrics.ListenerMeters;

/**
 * One admitted HTTP connection's place under the connection limits, given back exactly once: a connection
 * upgraded to a WebSocket reports its close through the WebSocket, a plain one through the HTTP connection.
 */
final class HttpConnectionSlot {

  private final ConnectionLimits limits;
  private final ListenerMeters meters;
  private final String address;
  /** Touched on the connection's event loop only. */
  private boolean held = true;

  HttpConnectionSlot(ConnectionLimits limits, ListenerMeters meters, String address) {
    this.limits = limits;
    this.meters = meters;
    this.address = address;
    meters.opened();
  }

  /** Gives the slot back; later calls do nothing, so every close path may call it. */
  void release() {
    if (held) {
      held = false;
      limits.release(address);
      meters.closed();
    }
  }
}
