package dev.echokit.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A blocking, non-Vert.x UDP peer on 127.0.0.1 whose {@link Behaviour} decides what, if anything, goes back for each
 * datagram; it records the size of every datagram it receives.
 */
final class PlainDatagramPeer implements AutoCloseable {

  /** The reply to the {@code index}-th datagram (from 0), or null to send nothing back. */
  interface Behaviour {
    byte[] reply(int index, byte[] data);
  }

  static final Behaviour ECHO = (index, data) -> data;
  /** Echoes datagrams 0, 2, 4 …; drops 1, 3, 5 … as a lossy network would. */
  static final Behaviour EVERY_OTHER = (index, data) -> index % 2 == 0 ? data : null;

  final List<Integer> sizes = new CopyOnWriteArrayList<>();
  private final DatagramSocket socket;
  private final Thread thread;

  PlainDatagramPeer(Behaviour behaviour) throws SocketException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    thread = new Thread(() -> serve(behaviour), "plain-datagram-peer");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void serve(Behaviour behaviour) {
    byte[] buf = new byte[65_536];
    int index = 0;
    while (!socket.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        socket.receive(packet);
        byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
        sizes.add(data.length);
        byte[] reply = behaviour.reply(index++, data);
        if (reply != null) {
          socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        }
      } catch (IOException e) {
        // Closed by the test.
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(10_000);
  }
}
