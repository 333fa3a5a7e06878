package dev.echokit.client;

import dev.echokit.client.DatagramExchange.Outcome;
import dev.echokit.client.DatagramExchange.Result;
import dev.echokit.config.ClientOptions;
import dev.echokit.config.ConfigException;
import dev.echokit.config.UdpOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The client over UDP: sends each message (each line of standard input, or a random payload cut into datagrams) as
 * one datagram, one at a time, counts the echoes that came back, the lost and the wrong ones, and ends with a line of
 * those counts; it fails when any datagram was lost or came back wrong.
 */
final class DatagramClient {

  /**
   * {@code --payload} is cut into datagrams of at most this many bytes: an EchoKit server's default
   * {@code udp.maxDatagramSize}, the largest payload that crosses a 1500-byte Ethernet link unfragmented.
   */
  static final int PAYLOAD_DATAGRAM_BYTES = UdpOptions.DEFAULT_MAX_DATAGRAM_SIZE;

  private final Vertx vertx;
  private final ClientOptions options;
  private final Consumer<String> out;
  private DatagramExchange exchange;
  private long sent;
  private long echoed;
  private long lost;
  private long corrupted;
  private String firstCorruption;

  DatagramClient(Vertx vertx, ClientOptions options, Consumer<String> out) {
    this.vertx = vertx;
    this.options = options;
    this.out = out;
  }

  /** Checks that every message fits in one datagram, then binds the socket. */
  Future<Void> open() {
    if (options.payloadBytes() == 0 && !options.stdin()) {
      for (int i = 0; i < options.messages().size(); i++) {
        checked(Buffer.buffer(options.messages().get(i), "UTF-8"), ClientOptions.MESSAGES, "message " + (i + 1));
      }
    }
    return DatagramExchange.open(vertx, options.host(), options.port(), options.peer().lossTimeoutMillis())
        .map(opened -> {
          exchange = opened;
          return null;
        });
  }

  /** Sends everything, prints each verified echo and the counts; fails with one line when anything went wrong. */
  Future<Void> run() {
    Future<Void> all;
    if (options.payloadBytes() > 0) {
      all = payload();
    } else if (options.stdin()) {
      all = nextLine(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    } else {
      all = Future.succeededFuture();
      for (String message : options.messages()) {
        all = all.compose(v -> send(Buffer.buffer(message, "UTF-8"), "Received " + message));
      }
    }
    return all.eventually(exchange::close).compose(v -> verdict());
  }

  /** A random payload in datagrams of at most {@link #PAYLOAD_DATAGRAM_BYTES}, made as they are sent. */
  private Future<Void> payload() {
    long started = System.nanoTime();
    long total = options.payloadBytes();
    long datagrams = (total + PAYLOAD_DATAGRAM_BYTES - 1) / PAYLOAD_DATAGRAM_BYTES;
    return nextChunk(0, total).onSuccess(v -> {
      if (echoed == datagrams) {
        out.accept(String.format(Locale.ROOT, "Received %d bytes in %d datagrams, all verified (%.1f ms)", total,
            datagrams, (System.nanoTime() - started) / 1e6));
      }
    });
  }

  private Future<Void> nextChunk(long offset, long total) {
    if (offset == total) {
      return Future.succeededFuture();
    }
    byte[] chunk = new byte[(int) Math.min(PAYLOAD_DATAGRAM_BYTES, total - offset)];
    ThreadLocalRandom.current().nextBytes(chunk);
    return send(Buffer.buffer(chunk), null).compose(v -> nextChunk(offset + chunk.length, total));
  }

  /** One datagram per line of standard input, with its newline, as {@code socat - UDP:host:port} sends them. */
  private Future<Void> nextLine(BufferedReader in) {
    return vertx.executeBlocking(in::readLine, true).compose(line -> {
      if (line == null) {
        return Future.succeededFuture();
      }
      return send(checked(Buffer.buffer(line + "\n", "UTF-8"), ClientOptions.STDIN, "line " + (sent + 1)), line)
          .compose(v -> nextLine(in));
    });
  }

  /** Sends one datagram and counts its outcome; prints {@code printed} when its echo came back intact. */
  private Future<Void> send(Buffer datagram, String printed) {
    sent++;
    return exchange.roundTrip(datagram).map(result -> {
      count(result, printed);
      return null;
    });
  }

  private void count(Result result, String printed) {
    switch (result.outcome()) {
      case ECHOED -> {
        echoed++;
        if (printed != null) {
          out.accept(printed);
        }
      }
      case LOST -> lost++;
      case CORRUPTED -> {
        corrupted++;
        if (firstCorruption == null) {
          firstCorruption = result.detail();
        }
      }
    }
  }

  /** Prints the counts; fails when a datagram was lost or came back wrong. */
  private Future<Void> verdict() {
    StringBuilder counts = new StringBuilder("udp: " + sent + " sent, " + echoed + " echoed, " + lost + " lost");
    if (corrupted > 0) {
      counts.append(", ").append(corrupted).append(" corrupted");
    }
    if (exchange.late() > 0) {
      counts.append(", ").append(exchange.late()).append(" of the lost echoed late");
    }
    if (exchange.unexpected() > 0) {
      counts.append(", ").append(exchange.unexpected()).append(" unexpected datagrams");
    }
    out.accept(counts.toString());
    if (lost == 0 && corrupted == 0) {
      return Future.succeededFuture();
    }
    List<String> wrong = new ArrayList<>();
    if (lost > 0) {
      wrong.add(lost + " lost (no echo within " + options.peer().lossTimeoutMillis() + " ms; " + (echoed == 0
          ? "is a UDP echo server listening on " + options.host() + ":" + options.port() + "?)"
          : "an EchoKit server drops datagrams beyond its udp.* limits)"));
    }
    if (corrupted > 0) {
      wrong.add(corrupted + " corrupted (first: " + firstCorruption + ")");
    }
    return Future.failedFuture(EchoException.datagrams("udp: " + (lost + corrupted) + " of " + sent
        + " datagrams failed: " + String.join(", ", wrong)));
  }

  /** {@code datagram}, unless it cannot be sent as one datagram. */
  private static Buffer checked(Buffer datagram, String key, String what) {
    if (datagram.length() == 0) {
      throw new ConfigException("invalid " + key + ": " + what + " is empty, and an empty "
          + "datagram is never sent (Netty sends none)");
    }
    if (datagram.length() > UdpOptions.MAX_MAX_DATAGRAM_SIZE) {
      throw new ConfigException("invalid " + key + ": " + what + " is " + datagram.length()
          + " bytes, above " + UdpOptions.MAX_MAX_DATAGRAM_SIZE + ", the largest UDP datagram over IPv4");
    }
    return datagram;
  }
}
