package dev.echokit.server;

import dev.echokit.config.ListenerOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One configured listener while it serves: its options, the port its instances bind, its TLS settings and the
 * digests of the files they came from, and its instances, one deployment each so that a reload can retire some.
 */
final class RunningListener {

  /** One instance: a verticle on its own event loop, accepting on the listener's address. */
  record Instance(EchoListener verticle, String deploymentId) {
  }

  /** What every instance asks Vert.x to bind: the configured port, or for port 0 a negative one they share. */
  final int bindPort;
  /** Oldest first; the first one bound the socket, so a scale-down retires from the end. */
  final List<Instance> instances = new CopyOnWriteArrayList<>();
  /** Swapped by a reload that rescales the listener or changes its TLS settings; the address never changes. */
  volatile ListenerOptions options;
  volatile ServerSSLOptions ssl;
  volatile TlsFiles files;

  RunningListener(ListenerOptions options, int bindPort, ServerSSLOptions ssl, TlsFiles files) {
    this.options = options;
    this.bindPort = bindPort;
    this.ssl = ssl;
    this.files = files;
  }

  /** The port clients reach, or -1 when no instance is bound. */
  int port() {
    return instances.isEmpty() ? -1 : instances.get(0).verticle().actualPort();
  }

  BoundListener bound() {
    return new BoundListener(options, port());
  }
}
