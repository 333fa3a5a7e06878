package dev.echokit.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A test client that sends a known byte pattern without reading until the server stops taking it. */
final class StalledClient implements AutoCloseable {

  /** Small socket buffers so that the server's write queue, not the kernel, holds most of what is in flight. */
  static final int SOCKET_BUFFER = 64 << 10;
  /** Write attempts in a row that must find the socket full before we call the sender stalled. */
  static final int STALLED_ATTEMPTS = 40;

  final SocketChannel channel;
  private ByteBuffer out;

  StalledClient(int port) throws IOException {
    channel = SocketChannel.open();
    channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
    channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
    channel.connect(new InetSocketAddress("127.0.0.1", port));
    channel.configureBlocking(false);
  }

  /** Sends up to {@code limit} bytes until the server stops reading; returns how many it took. */
  long pushUntilStalled(int limit) throws IOException, InterruptedException {
    out = ByteBuffer.allocate(limit);
    for (int i = 0; i < limit; i++) {
      out.put(i, pattern(i));
    }
    int fullInARow = 0;
    while (out.hasRemaining() && fullInARow < STALLED_ATTEMPTS) {
      if (channel.write(out) == 0) {
        fullInARow++;
        Thread.sleep(25);
      } else {
        fullInARow = 0;
      }
    }
    if (!out.hasRemaining()) {
      throw new AssertionError("the server took all " + limit + " bytes without stalling");
    }
    return out.position();
  }

  /** Sends the rest of the {@code limit} bytes while reading their echoes; fails unless every byte comes back in order. */
  void finishAndVerify() throws IOException, InterruptedException {
    ByteBuffer in = ByteBuffer.allocate(256 << 10);
    long received = 0;
    while (received < out.capacity()) {
      if (out.hasRemaining()) {
        channel.write(out);
      }
      in.clear();
      int n = channel.read(in);
      if (n < 0) {
        throw new IOException("server closed after " + received + " bytes");
      }
      check(in, n, received);
      received += n;
      if (n == 0) {
        Thread.sleep(1);
      }
    }
  }

  /**
   * Reads until the server closes, checking every byte against the pattern; returns the count, or -1 - count
   * when the connection ended with a reset instead of a clean close.
   */
  long readToEnd() throws IOException, InterruptedException {
    ByteBuffer in = ByteBuffer.allocate(256 << 10);
    long received = 0;
    while (true) {
      in.clear();
      int n;
      try {
        n = channel.read(in);
      } catch (IOException reset) {
        return -1 - received;
      }
      if (n < 0) {
        return received;
      }
      check(in, n, received);
      received += n;
      if (n == 0) {
        Thread.sleep(1);
      }
    }
  }

  private static void check(ByteBuffer in, int n, long offset) {
    for (int i = 0; i < n; i++) {
      if (in.get(i) != pattern(offset + i)) {
        throw new AssertionError("byte " + (offset + i) + " differs");
      }
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  static byte pattern(long offset) {
    return (byte) (offset * 31 + (offset >>> 11));
  }
}
