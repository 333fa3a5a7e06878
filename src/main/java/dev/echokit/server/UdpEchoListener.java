package dev.echokit.server;

import io.vertx.core.Future;

/** Placeholder until the Udp listener lands. */
final class UdpEchoListener extends EchoListener {

  private final ListenerContext context;

  UdpEchoListener(ListenerContext context) {
    this.context = context;
  }

  @Override
  public Future<?> start() {
    return Future.failedFuture("not built yet");
  }

  @Override
  int actualPort() {
    return -1;
  }
}
