package dev.echokit.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a bare socket, for what a library client hides: sending without ever reading, so that
 * the server's backpressure shows. Binary frames only, masked with a zero key (RFC 6455 requires a mask, not a
 * random one, for the server to accept the frame).
 */
final class RawWebSocket implements AutoCloseable {

  /** Small socket buffers, so that the server's queues rather than the kernel's hold what is in flight. */
  static final int SOCKET_BUFFER = 64 << 10;
  /** Write attempts in a row that must find the socket full before the sender counts as stalled. */
  static final int STALLED_ATTEMPTS = 40;
  /** Bounds every blocking read of the handshake and of the echoes. */
  static final int MAX_EMPTY_READS = 10_000;

  private final SocketChannel channel;

  /** Connects and upgrades to a WebSocket at {@code path}; fails unless the server answers 101. */
  RawWebSocket(int port, String path) throws IOException, InterruptedException {
    channel = SocketChannel.open();
    channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
    channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
    channel.connect(new InetSocketAddress("127.0.0.1", port));
    channel.configureBlocking(false);
    String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    writeFully(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    String head = readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(head));
    }
  }

  /** RFC 6455 opcodes used by the tests. */
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;

  /** One final, masked binary frame carrying {@code payload} (at most 65,535 bytes). */
  static byte[] binaryFrame(byte[] payload) {
    return frame(BINARY, payload);
  }

  /** One final, masked frame of {@code opcode} carrying {@code payload} (at most 65,535 bytes). */
  static byte[] frame(int opcode, byte[] payload) {
    // RFC 6455 §5.2: the shortest length encoding is required (Netty closes with 1002 otherwise).
    boolean shortLength = payload.length < 126;
    ByteBuffer frame = ByteBuffer.allocate((shortLength ? 6 : 8) + payload.length);
    frame.put((byte) (0x80 | opcode));
    if (shortLength) {
      frame.put((byte) (0x80 | payload.length));
    } else {
      frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
    }
    return frame.putInt(0).put(payload).array();
  }

  /**
   * Writes {@code frames} until the server stops taking them; returns how many bytes it took. The socket is
   * full when {@link #STALLED_ATTEMPTS} writes in a row, 25 ms apart, take nothing.
   */
  long pushUntilStalled(ByteBuffer frames) throws IOException, InterruptedException {
    long start = frames.position();
    int fullInARow = 0;
    while (frames.hasRemaining() && fullInARow < STALLED_ATTEMPTS) {
      if (channel.write(frames) == 0) {
        fullInARow++;
        Thread.sleep(25);
      } else {
        fullInARow = 0;
      }
    }
    return frames.position() - start;
  }

  /** Reads one unmasked frame from the server: its first byte (FIN and opcode) and its payload. */
  Frame readFrame() throws IOException, InterruptedException {
    ByteBuffer head = readExactly(2);
    int first = head.get(0) & 0xff;
    int length = head.get(1) & 0x7f;
    if (length == 126) {
      length = readExactly(2).getShort() & 0xffff;
    } else if (length == 127) {
      long longLength = readExactly(8).getLong();
      if (longLength > Integer.MAX_VALUE) {
        throw new IOException("frame of " + longLength + " bytes");
      }
      length = (int) longLength;
    }
    return new Frame(first, readExactly(length).array());
  }

  /** A frame as received: FIN and opcode in {@code first}, then the payload. */
  record Frame(int first, byte[] payload) {
    boolean finalBinary() {
      return first == (0x80 | BINARY);
    }

    int opcode() {
      return first & 0x0f;
    }

    /** The status code of a close frame. */
    int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  void writeFully(ByteBuffer bytes) throws IOException, InterruptedException {
    int empty = 0;
    while (bytes.hasRemaining()) {
      if (channel.write(bytes) == 0) {
        if (++empty > MAX_EMPTY_READS) {
          throw new IOException("the server took nothing for " + MAX_EMPTY_READS + " ms");
        }
        Thread.sleep(1);
      }
    }
  }

  private ByteBuffer readExactly(int n) throws IOException, InterruptedException {
    ByteBuffer in = ByteBuffer.allocate(n);
    int empty = 0;
    while (in.hasRemaining()) {
      int read = channel.read(in);
      if (read < 0) {
        throw new EOFException("server closed with " + in.remaining() + " of " + n + " bytes missing");
      }
      if (read == 0) {
        if (++empty > MAX_EMPTY_READS) {
          throw new IOException("no bytes from the server for " + MAX_EMPTY_READS + " ms");
        }
        Thread.sleep(1);
      } else {
        empty = 0;
      }
    }
    return in.flip();
  }

  /** Reads the response head byte by byte, so that no frame byte after it is consumed. */
  private String readHead() throws IOException, InterruptedException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      head.write(readExactly(1).get());
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
