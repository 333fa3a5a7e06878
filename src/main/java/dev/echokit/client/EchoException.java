package dev.echokit.client;

import java.net.ConnectException;
import java.net.UnknownHostException;

/** An echo that did not come back intact; the message is one line that says what happened. */
public final class EchoException extends RuntimeException {

  private EchoException(String message) {
    super(message, null, false, false);
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
    return new EchoException(where + err.getMessage());
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

  static EchoException io(String peer, Throwable err) {
    return new EchoException("connection to " + peer + " failed: " + err.getMessage());
  }

  static EchoException unknownHost(String host, int port) {
    return new EchoException("cannot reach " + host + ":" + port + ": unknown host — check the host name");
  }

  /** The UDP client's verdict when a datagram was lost or came back wrong: one line with the counts. */
  static EchoException datagrams(String verdict) {
    return new EchoException(verdict);
  }
}
