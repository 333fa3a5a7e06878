package dev.echokit.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.echokit.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A config file that the test rewrites while an {@link EchoServerVerticle} started from it watches it, and the
 * server package's log lines, captured: what every reload test needs.
 */
final class WatchedConfig implements AutoCloseable {

  /** The shortest period allowed: tests wait for a reload as little as possible. */
  static final int SCAN_PERIOD_MILLIS = 100;
  /** How long a test socket waits for an echo before the test fails instead of hanging. */
  static final int READ_TIMEOUT_MILLIS = 10_000;

  final Path file;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  WatchedConfig(Path dir, JsonObject first) throws IOException {
    file = dir.resolve("config.json");
    write(first);
    System.setProperty(ConfigLoader.FILE_PROPERTY, file.toString());
    logged.start();
    ((Logger) LoggerFactory.getLogger("dev.echokit.server")).addAppender(logged);
  }

  /** Loopback, any free port, one instance, no admin server, reloaded every {@link #SCAN_PERIOD_MILLIS}. */
  static JsonObject base() {
    return new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1)
        .put("config", new JsonObject().put("scanPeriod", SCAN_PERIOD_MILLIS))
        .put("metrics", new JsonObject().put("enabled", false));
  }

  /** {@link #base()} with the admin server (metrics, health) on any free loopback port. */
  static JsonObject withAdmin() {
    return base().put("metrics", new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", 0));
  }

  /** {@link #base()} with these entries as its {@code listeners}. */
  static JsonObject withListeners(JsonObject... listeners) {
    return base().put("listeners", new JsonArray(List.of((Object[]) listeners)));
  }

  /** Replaces the file in one step, so that the server never reads half of it. */
  void write(JsonObject json) throws IOException {
    Path next = file.resolveSibling("config.json.next");
    Files.writeString(next, json.encodePrettily());
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  boolean logs(String text) {
    return logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
  }

  /** The first captured line containing {@code text}, or null. */
  String line(String text) {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).findFirst()
        .orElse(null);
  }

  @Override
  public void close() {
    System.clearProperty(ConfigLoader.FILE_PROPERTY);
    ((Logger) LoggerFactory.getLogger("dev.echokit.server")).detachAppender(logged);
  }

  static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    return s;
  }

  /** Sends {@code text} and reads back as many bytes. */
  static String echo(Socket s, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    s.getOutputStream().write(bytes);
    return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
  }

  /** Reads until the server closes: the bytes that came first, or -1 - that count when it ended with a reset. */
  static long readToEnd(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    long n = 0;
    try {
      while (in.read() >= 0) {
        n++;
      }
      return n;
    } catch (java.net.SocketException reset) {
      return -1 - n;
    }
  }

  /**
   * A port nothing listens on right now, for a test that must name one (a port change): the kernel picks it
   * from the ephemeral range, where no fixed service lives.
   */
  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return probe.getLocalPort();
    }
  }
}
