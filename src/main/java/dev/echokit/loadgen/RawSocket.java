package dev.echokit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The load generator's one use of Vert.x internals, {@link NetSocketInternal}, an internal interface that may change
 * between 5.x releases ({@code RawSocketTest} fails loudly if it does). Why: a NetSocket data handler receives every
 * read copied into a new heap Buffer, and the copy plus its garbage would make the load generator the bottleneck;
 * here echoes are checked straight over Netty's pooled buffer, messages go out as slices of a shared block without
 * copying, and open-loop sends are timed by the channel's event loop to the nanosecond instead of Vert.x's
 * millisecond timers.
 */
final class RawSocket {

  private final NetSocketInternal socket;
  private final EventExecutor eventLoop;

  RawSocket(NetSocket socket) {
    if (!(socket instanceof NetSocketInternal internal)) {
      throw new IllegalStateException("this Vert.x version's NetSocket (" + socket.getClass().getName()
          + ") no longer implements NetSocketInternal: update dev.echokit.loadgen.RawSocket");
    }
    this.socket = internal;
    this.eventLoop = internal.channelHandlerContext().executor();
  }

  /** Hands each read to {@code reads} as Netty's own buffer, which is released as soon as {@code reads} returns. */
  void onRead(Consumer<ByteBuf> reads) {
    socket.messageHandler(msg -> {
      try {
        if (msg instanceof ByteBuf buf) {
          reads.accept(buf);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    });
  }

  /**
   * Writes a Netty buffer, passing its ownership to the channel. A failed write closes the channel, which the
   * connection's close handler reports, so the returned future is not watched (that would cost a listener a message).
   */
  void write(ByteBuf data) {
    socket.writeMessage(data);
  }

  /** This connection's event loop, which times open-loop sends to the nanosecond. */
  EventExecutor eventLoop() {
    return eventLoop;
  }

  /** Runs {@code task} on this connection's event loop after {@code delayNanos}. */
  ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    return eventLoop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
  }
}
