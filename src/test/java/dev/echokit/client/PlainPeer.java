package dev.echokit.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A blocking, non-Vert.x peer on 127.0.0.1 that serves one connection at a time, like the tutorial's
 * Python server; its {@link Behaviour} decides what it sends back.
 */
final class PlainPeer implements AutoCloseable {

  /** What the peer does with each chunk it reads; returns false to close the connection. */
  interface Behaviour {
    boolean onChunk(byte[] data, int length, long offset, OutputStream out) throws IOException;
  }

  static final Behaviour ECHO = (data, length, offset, out) -> {
    out.write(data, 0, length);
    return true;
  };

  private final ServerSocket server;
  private final Thread thread;

  PlainPeer(Behaviour behaviour) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread = new Thread(() -> serve(behaviour), "plain-peer");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve(Behaviour behaviour) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[1024];
        long offset = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
          if (!behaviour.onChunk(buf, n, offset, out)) {
            break;
          }
          offset += n;
        }
      } catch (IOException e) {
        // The peer stops when the test closes it.
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
