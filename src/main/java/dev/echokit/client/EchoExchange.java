package dev.echokit.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * One request at a time over one connection: send bytes, then check each echoed byte against them as
 * it arrives, failing at the first difference, on timeout or when the server closes early.
 */
final class EchoExchange implements Exchange {

  private final NetSocket socket;
  private final PendingEcho echo;
  /** Whether the server has ever sent a byte on this connection. */
  private boolean receivedAny;

  EchoExchange(Vertx vertx, NetSocket socket, long timeoutMillis) {
    this.socket = socket;
    this.echo = new PendingEcho(vertx, timeoutMillis);
    socket.handler(this::onData);
    socket.closeHandler(v -> onClose());
    socket.exceptionHandler(err -> echo.fail(EchoException.io(socket.remoteAddress().toString(), err)));
  }

  /** A byte stream has no message types: {@code text} makes no difference. */
  @Override
  public Future<Void> roundTrip(Buffer data, boolean text) {
    return roundTrip(data);
  }

  @Override
  public Future<Void> close() {
    return socket.close();
  }

  /** Sends {@code data} and completes once the same bytes have come back. */
  Future<Void> roundTrip(Buffer data) {
    Future<Void> refused = echo.refusal(data);
    if (refused != null) {
      return refused;
    }
    Future<Void> result = echo.begin(data);
    socket.write(data);
    if (data.length() == 0) {
      echo.succeed();
    }
    return result;
  }

  private void onData(Buffer chunk) {
    if (!echo.outstanding()) {
      echo.fail(EchoException.unexpected(chunk.length()));
      return;
    }
    if (!echo.verify(chunk)) {
      return;
    }
    receivedAny = true;
    if (echo.received() == echo.expectedLength()) {
      echo.succeed();
    }
  }

  private void onClose() {
    if (echo.closed()) {
      // A TLS listener drops a plain client without a byte: worth a hint, as long as nothing ever came back.
      echo.fail(!socket.isSsl() && !receivedAny ? EchoException.closedBeforeAnyEcho(echo.expectedLength())
          : EchoException.closedEarly(echo.received(), echo.expectedLength()));
    }
  }
}
