package dev.echokit.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The zero-copy echo, as a Netty handler in front of Vert.x's own: each read buffer is written straight
 * back and flushed once per batch of reads, reading pauses while the channel is not writable, and a
 * client's half-close (or TLS close_notify) closes the connection after its last echo.
 */
final class DirectEcho extends ChannelInboundHandlerAdapter {

  private final ServedConnection connection;

  DirectEcho(ServedConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.onRead(((ByteBuf) msg).readableBytes());
    // The buffer's ownership passes to the write; Netty releases it once sent.
    ctx.write(msg, ctx.voidPromise());
    if (!ctx.channel().isWritable()) {
      // The client reads slower than it sends: stop reading until the queued echoes drain, so the
      // server holds at most the write queue's high-water mark plus this read.
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (SocketInternals.endOfInput(event)) {
      // Writes complete in order: this one completes after every echo before it.
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }
}
