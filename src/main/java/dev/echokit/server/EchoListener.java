package dev.echokit.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.ServerSSLOptions;

/** A verticle that serves one protocol on one event loop; the server deploys one per instance of a listener. */
abstract class EchoListener extends VerticleBase {

  /** The port bound (the chosen one when asked for any free port), or -1 before it is bound. */
  abstract int actualPort();

  /**
   * Replaces the certificate (and trust) for connections accepted from now on; open ones keep theirs.
   * Completes with true when the new settings were taken.
   */
  Future<Boolean> updateSsl(ServerSSLOptions ssl) {
    return Future.failedFuture(new IllegalStateException(getClass().getSimpleName() + " has no TLS to update"));
  }
}
