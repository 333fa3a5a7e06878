// Raw Netty echo server: the "no framework overhead" baseline of the EchoKit benchmark.
//
// Same Netty as Vert.x 5.0.7 (4.2.9.Final, inside the fat jar). Run it as a single-file source program:
//
//   java -cp target/echokit.jar bench/NettyEchoServer.java --port P --transport nio|epoll|io_uring [--threads 1]
//
// It binds 127.0.0.1 only and prints exactly one line, "listening on PORT", on stdout once bound
// (--port 0 picks a free port). Like Vert.x, one thread accepts and --threads event loops serve the
// connections. The echo does no copy: each received buffer is written back as is and the writes of
// one read burst are flushed together. Reading pauses while a connection's outbound buffer is above
// Netty's high-water mark (64 KiB by default, the same as EchoKit's writeQueueMaxSize) and resumes
// once it drains. SIGTERM / Ctrl-C shut the event loops down.

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.Version;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

public final class NettyEchoServer {

  private static final String HOST = "127.0.0.1";

  /** Writes every read straight back; one instance serves all connections. */
  @ChannelHandler.Sharable
  static final class EchoHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      // No copy: the received ByteBuf goes back out and is released once written.
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
      Channel ch = ctx.channel();
      if (!ch.isWritable()) {
        // The peer does not read fast enough: stop reading until what we owe it drains.
        ch.config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Channel ch = ctx.channel();
      if (ch.isWritable() && !ch.config().isAutoRead()) {
        ch.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Resets by clients that stop mid-stream are routine in a benchmark; anything else is worth a line.
      if (!(cause instanceof IOException)) {
        System.err.println("NettyEchoServer: " + ctx.channel().remoteAddress() + ": " + cause);
      }
      ctx.close();
    }
  }

  private static void usage(String problem) {
    if (problem != null) {
      System.err.println("NettyEchoServer: " + problem);
    }
    System.err.println("usage: java -cp target/echokit.jar bench/NettyEchoServer.java"
        + " --port P --transport nio|epoll|io_uring [--threads N]");
    System.exit(2);
  }

  public static void main(String[] args) throws Exception {
    int port = -1;
    int threads = 1;
    String transport = "nio";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value;
      if (a.equals("-h") || a.equals("--help")) {
        usage(null);
      }
      if (a.startsWith("--") && a.contains("=")) {
        value = a.substring(a.indexOf('=') + 1);
        a = a.substring(0, a.indexOf('='));
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        usage("missing value for " + a);
        return;
      }
      try {
        switch (a) {
          case "--port" -> port = Integer.parseInt(value);
          case "--threads" -> threads = Integer.parseInt(value);
          case "--transport" -> transport = value;
          default -> usage("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        usage("not a number for " + a + ": " + value);
      }
    }
    if (port < 0 || port > 65535) {
      usage("--port P (0-65535) is required");
    }
    if (threads < 1 || threads > 256) {
      usage("--threads must be 1-256");
    }

    IoHandlerFactory ioHandlerFactory;
    Class<? extends ServerChannel> channelClass;
    switch (transport) {
      case "nio" -> {
        ioHandlerFactory = NioIoHandler.newFactory();
        channelClass = NioServerSocketChannel.class;
      }
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          System.err.println("NettyEchoServer: epoll transport not available: " + Epoll.unavailabilityCause());
          System.exit(1);
        }
        ioHandlerFactory = EpollIoHandler.newFactory();
        channelClass = EpollServerSocketChannel.class;
      }
      case "io_uring" -> {
        if (!IoUring.isAvailable()) {
          System.err.println("NettyEchoServer: io_uring transport not available: " + IoUring.unavailabilityCause());
          System.exit(1);
        }
        ioHandlerFactory = IoUringIoHandler.newFactory();
        channelClass = IoUringServerSocketChannel.class;
      }
      default -> {
        usage("unknown transport " + transport + " (nio, epoll or io_uring)");
        return;
      }
    }

    // As in Vert.x: one acceptor thread, and the event loops that serve the accepted connections.
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, ioHandlerFactory);
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      acceptor.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
      workers.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
    }, "netty-echo-shutdown"));

    EchoHandler echo = new EchoHandler();
    Channel server;
    try {
      server = new ServerBootstrap()
          .group(acceptor, workers)
          .channel(channelClass)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(echo)
          .bind(new InetSocketAddress(HOST, port))
          .sync()
          .channel();
    } catch (Exception e) {
      System.err.println("NettyEchoServer: cannot listen on " + HOST + ":" + port + ": " + e);
      System.exit(1);
      return;
    }
    int actualPort = ((InetSocketAddress) server.localAddress()).getPort();
    // A fat jar keeps only one module's entry (netty-common) in META-INF/io.netty.versions.properties.
    String nettyVersion = Version.identify().values().stream().map(Version::artifactVersion).findFirst().orElse("?");
    System.err.println("NettyEchoServer: netty " + nettyVersion + ", transport " + transport
        + ", " + threads + " event loop" + (threads == 1 ? "" : "s"));
    System.out.println("listening on " + actualPort);
    System.out.flush();
    server.closeFuture().sync();
  }
}
