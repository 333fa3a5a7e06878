package dev.echokit.server;

import io.vertx.core.Future;

/** Placeholder until the Http listener lands. */
final class HttpEchoListener extends EchoListener {

  private final ListenerContext context;

  HttpEchoListener(ListenerContext context) {
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
