package dev.echokit.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.ServerSSLOptions;

/** A verticle that serves one protocol on one event loop; the server deploys one per instance of a listener. */
abstract class EchoListener extends VerticleBase {

  /** The port bound (the chosen one when asked for any free port), or -1 before it is bound. */
  abstract int actualPort();

  /**
   * Replaces the certificate (and trust, and client-auth mode) for connections accepted from now on; open ones
   * keep theirs. The server calls it only when something changed, possibly the content of files whose paths
   * stayed the same, so an implementation must not skip an update because the options look equal (Vert.x:
   * {@code updateSSLOptions(ssl, true)}). Completes with true when the new settings were taken.
   */
  Future<Boolean> updateSsl(ServerSSLOptions ssl) {
    return Future.failedFuture(new IllegalStateException(getClass().getSimpleName() + " has no TLS to update"));
  }

  /**
   * A config reload takes this instance away while the rest of the server runs on: stop accepting at once.
   * With {@code keepConnections} (fewer instances of the same listener) its open connections go on being
   * served until they end on their own — the client closes, or a limit such as idleTimeout closes them;
   * without (the listener moved or was removed) they get shutdownTimeout to finish, as in a graceful shutdown.
   * Completes when the last one has closed; the server then undeploys this instance ({@link #stop()} follows,
   * and its {@link ListenerGroup#startDraining} is ignored: the server is not draining).
   * <p>
   * This default stops accepting only through that undeploy, which follows at once: {@code stop()} drains the
   * connections, kept or not.
   */
  Future<?> leave(boolean keepConnections) {
    return Future.succeededFuture();
  }
}
