package dev.echokit.server;

import io.vertx.core.VerticleBase;

/** A verticle that serves one protocol on one event loop; the server deploys one per instance of a listener. */
abstract class EchoListener extends VerticleBase {

  /** The port bound (the chosen one when asked for any free port), or -1 before it is bound. */
  abstract int actualPort();
}
