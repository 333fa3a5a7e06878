package dev.echokit.client;

import java.net.ConnectException;
import java.net.UnknownHostException;

/** An echo that did not come back intact; the message is one line that says what happened. */
public final class EchoException extends RuntimeException {

  private EchoException(String message) {
    super(message, null, false, false);
  }

  /** Keeps what failed underneath, for {@link TlsFailure} to look at. */
  private EchoException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** A failure already put in one line, e.g. by {@link TlsFailure}. */
  static EchoException because(String line, Throwable cause) {
    return new EchoException(line, cause);
  }

  static EchoException connectFailed(String host, int port, Throwable err) {
    String where = "cannot connect to " + host + ":" + port + ": ";
    String text = String.valueOf(err.getMessage()).toLowerCase();
    if (err instanceof ConnectException && text.contains("refused")) {
      return new EchoException(where + "connection refused — is the server running?");
    }
    if (text.contains("timed out")) {
      return new EchoException(where + "connection timed out — is the host reachable and the port open?");
    }
    if (err instanceof UnknownHostException || err.getCause() instanceof UnknownHostException) {
      return new EchoException(where + "unknown host — check the host name");
    }
    return new EchoException(where + err.getMessage(), err);
  }

  static EchoException timeout(long millis, int received, int expected) {
    return new EchoException("timed out after " + millis + " ms waiting for the echo: " + received + " of "
        + expected + " bytes came back");
  }

  static EchoException mismatch(int offset, byte sent, byte got) {
    return new EchoException(String.format("echo mismatch at byte offset %d: sent 0x%02x, received 0x%02x",
        offset, sent & 0xff, got & 0xff));
  }

  static EchoException extraBytes(int expected, int extra) {
    return new EchoException("echo mismatch: the server sent " + extra + " more bytes than the " + expected + " sent");
  }

  static EchoException unexpected(int bytes) {
    return new EchoException("echo mismatch: the server sent " + bytes + " bytes that were never sent to it");
  }

  static EchoException closedEarly(int received, int expected) {
    return new EchoException("the server closed the connection early: " + received + " of " + expected
        + " bytes came back");
  }

  /** A plain TCP client that a TLS listener dropped sees exactly this. */
  static EchoException closedBeforeAnyEcho(int expected) {
    return new EchoException("the server closed the connection early: 0 of " + expected + " bytes came back — if it "
        + "is a TLS port, add --tls");
  }

  static EchoException frameType(String sent, String got) {
    return new EchoException("echo mismatch: a " + sent + " message came back as a " + got + " message");
  }

  static EchoException shortMessage(int received, int expected) {
    return new EchoException("echo mismatch: the echoed message had " + received + " bytes, " + expected + " were sent");
  }

  /** The WebSocket closed while an echo was due; a close frame's status says why (1009: the message was too big). */
  static EchoException webSocketClosed(int received, int expected, Short status, String reason) {
    String why = status == null ? "" : " (status " + status + (reason == null || reason.isEmpty() ? "" : " " + reason)
        + (status == 1009 ? ": the message is larger than the server accepts" : "") + ")";
    return new EchoException("the server closed the WebSocket early" + why + ": " + received + " of " + expected
        + " bytes came back");
  }

  static EchoException io(String peer, Throwable err) {
    return new EchoException("connection to " + peer + " failed: " + err.getMessage(), err);
  }

  static EchoException unknownHost(String host, int port) {
    return new EchoException("cannot reach " + host + ":" + port + ": unknown host — check the host name");
  }

  /** The UDP client's verdict when a datagram was lost or came back wrong: one line with the counts. */
  static EchoException datagrams(String verdict) {
    return new EchoException(verdict);
  }
}
