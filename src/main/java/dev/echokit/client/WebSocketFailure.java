package dev.echokit.client;

import io.vertx.core.http.UpgradeRejectedException;

/**
 * Says in one line why a WebSocket upgrade failed: the server refused it (wrong path), or it is no HTTP server at all
 * (an RFC 862 echo sends the upgrade request back). Used by the client and the load generator alike.
 */
public final class WebSocketFailure {

  /**
   * The status Netty's HTTP decoder gives a response it cannot parse; an echoed request ("GET /ws HTTP/1.1") is one,
   * and Vert.x reports it as a rejected upgrade with this status.
   */
  static final int UNPARSABLE_RESPONSE = 999;

  private WebSocketFailure() {
  }

  /** What went wrong, as the part of a line after "cannot connect to URL: ", or null when it is no upgrade failure. */
  public static String describe(Throwable err) {
    if (!(err instanceof UpgradeRejectedException rejected)) {
      return null;
    }
    if (rejected.getStatus() == UNPARSABLE_RESPONSE) {
      return "the server did not answer in HTTP (a plain TCP echo sends the upgrade request back) — drop --ws, or use "
          + "the port of an http listener";
    }
    return "the server answered HTTP " + rejected.getStatus() + " to the WebSocket upgrade — check --ws-path "
        + "(EchoKit's http listener serves /ws)";
  }
}
