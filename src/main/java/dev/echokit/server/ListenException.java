package dev.echokit.server;

import java.net.BindException;
import java.net.UnknownHostException;

/** The server could not listen; the message says why and what to change. */
public final class ListenException extends RuntimeException {

  private ListenException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** For the admin server: the same causes, with the metrics keys to change. */
  static Throwable describeAdmin(Throwable err, String host, int port) {
    String text = String.valueOf(err.getMessage());
    if (err instanceof BindException || text.contains("Address already in use")) {
      return new ListenException("metrics port " + port + " is already in use on " + host + " — stop the other "
          + "server, or choose another port (ECHOKIT_METRICS_PORT, or 0 for any free port), or turn metrics off "
          + "(ECHOKIT_METRICS_ENABLED=false)", err);
    }
    return new ListenException("cannot start the metrics server on " + host + ":" + port + " (" + text
        + ") — check metrics.host and metrics.port (ECHOKIT_METRICS_HOST, ECHOKIT_METRICS_PORT)", err);
  }

  /** {@code portSetting} names where the port comes from, e.g. {@code ECHOKIT_PORT} or {@code listeners[1].port}. */
  static Throwable describe(Throwable err, String scheme, String host, int port, String portSetting) {
    String text = String.valueOf(err.getMessage());
    if (err instanceof BindException || text.contains("Address already in use")) {
      return new ListenException(("tcp".equals(scheme) ? "" : scheme + " ") + "port " + port
          + " is already in use on " + host + " — stop the other server or choose another port (" + portSetting
          + ", or 0 for any free port)", err);
    }
    if (text.contains("Cannot assign requested address")) {
      return new ListenException("cannot listen on " + host + ": it is not an address of this machine — set host "
          + "(ECHOKIT_HOST) to a local address such as 127.0.0.1", err);
    }
    if (err instanceof UnknownHostException || err.getCause() instanceof UnknownHostException) {
      return new ListenException("cannot listen on " + host + ": unknown host — set host (ECHOKIT_HOST) to a "
          + "name or address of this machine", err);
    }
    if (text.contains("Permission denied")) {
      return new ListenException("cannot listen on port " + port + ": permission denied — ports below 1024 need "
          + "privileges; choose a port above 1023", err);
    }
    return err;
  }
}
