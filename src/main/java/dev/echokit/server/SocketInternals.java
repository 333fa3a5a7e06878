package dev.echokit.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * The one place EchoKit reaches below Vert.x's public API, through {@link NetSocketInternal}, an internal
 * interface that may change between 5.x releases ({@code SocketInternalsTest} fails loudly if it does). Why:
 * <ul>
 *   <li>Half-close: a Vert.x NetSocket closes as soon as the client shuts down its sending side, which drops
 *       echo bytes still waiting to be written. RFC 862 clients often send, half-close, then read to the end.
 *   <li>Zero copy: a NetSocket data handler receives each read copied into a new heap Buffer; the direct echo
 *       is a Netty handler placed in front of Vert.x's, writing Netty's pooled buffer back as it is.
 * </ul>
 */
final class SocketInternals {

  /** Name of the Vert.x handler that ends every connection's pipeline; ours goes just before it. */
  private static final String VERTX_HANDLER = "handler";

  private SocketInternals() {
  }

  /**
   * For the NetSocket API echo: keeps the connection open when the client half-closes and delivers the end of its input as an empty read,
   * behind every read before it: reads queued while the socket is paused come first, so whoever sees the
   * empty read has seen all the data. Netty never delivers an empty read otherwise.
   */
  static void endOfInputAsEmptyRead(NetSocket socket) {
    ChannelHandlerContext ctx = ((NetSocketInternal) socket).channelHandlerContext();
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    ctx.pipeline().addBefore(VERTX_HANDLER, "echokit-half-close", new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext c, Object event) {
        if (endOfInput(event)) {
          // A read must end with read-complete: Vert.x holds back flushes until it sees one.
          c.fireChannelRead(Unpooled.EMPTY_BUFFER);
          c.fireChannelReadComplete();
        } else {
          c.fireUserEventTriggered(event);
        }
      }
    });
  }

  /**
   * Whether a pipeline event says the client will send nothing more: a TCP half-close, or, inside TLS, the
   * client's close_notify alert, which openssl s_client and socat send at the end of their input without
   * half-closing the TCP connection (Netty reports the alert and leaves the connection open).
   */
  static boolean endOfInput(Object event) {
    return event instanceof ChannelInputShutdownEvent
        || event instanceof SslCloseCompletionEvent close && close.isSuccess();
  }

  /**
   * Puts the zero-copy echo in front of Vert.x's handler: reads are echoed by Netty directly and never reach
   * the NetSocket, which still owns the connection (close and exception handlers, shutdown, idle timeout).
   */
  static void echoDirectly(NetSocket socket, DirectEcho echo) {
    ChannelHandlerContext ctx = ((NetSocketInternal) socket).channelHandlerContext();
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    ctx.pipeline().addBefore(VERTX_HANDLER, "echokit-direct-echo", echo);
  }

  /**
   * Whether the connection has stopped reading: its echoes wait to drain (backpressure), or the NetSocket is
   * paused. Then a silent client may still have bytes waiting in the kernel.
   */
  static boolean readingPaused(NetSocket socket) {
    Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
    return !channel.config().isAutoRead() || !channel.isWritable();
  }

  /** Closes once every byte written before has reached the kernel: the last echo is never dropped. */
  static void closeAfterWrites(NetSocket socket) {
    ((NetSocketInternal) socket).writeMessage(Unpooled.EMPTY_BUFFER).eventually(socket::close);
  }
}
