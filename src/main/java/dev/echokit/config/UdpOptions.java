package dev.echokit.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

import static dev.echokit.config.ServerOptions.checkRange;

/**
 * Typed, validated settings of a UDP listener. A UDP echo server can be made to send its replies to a
 * forged source address (reflection), so each source gets a budget and no reply is larger than its request.
 *
 * @param maxDatagramSize    larger datagrams are dropped, not echoed
 * @param datagramsPerSecond datagrams echoed per second to one source address; more are dropped; 0: no limit
 * @param bytesPerSecond     bytes echoed per second to one source address; more are dropped; 0: no limit
 * @param minSourcePort      datagrams from a lower source port are dropped; 0: from any port
 */
public record UdpOptions(int maxDatagramSize, int datagramsPerSecond, long bytesPerSecond, int minSourcePort) {

  public static final String MAX_DATAGRAM_SIZE = "udp.maxDatagramSize";
  public static final String DATAGRAMS_PER_SECOND = "udp.datagramsPerSecond";
  public static final String BYTES_PER_SECOND = "udp.bytesPerSecond";
  public static final String MIN_SOURCE_PORT = "udp.minSourcePort";
  /** Keys inside one listener entry. */
  public static final Set<String> KEYS = Set.of(MAX_DATAGRAM_SIZE, DATAGRAMS_PER_SECOND, BYTES_PER_SECOND,
      MIN_SOURCE_PORT);

  /** The largest UDP payload that crosses a 1500-byte Ethernet MTU unfragmented (1500 − 20 IPv4 − 8 UDP). */
  public static final int DEFAULT_MAX_DATAGRAM_SIZE = 1472;
  /** The largest UDP payload IPv4 can carry. */
  public static final int MAX_MAX_DATAGRAM_SIZE = 65_507;
  /** Enough for interactive use and modest load tests; a reflection attack gets no more than this per forged source. */
  public static final int DEFAULT_DATAGRAMS_PER_SECOND = 1000;
  public static final int MAX_DATAGRAMS_PER_SECOND = 10_000_000;
  /** One MiB/s per source: a thousand full-size datagrams a second. */
  public static final long DEFAULT_BYTES_PER_SECOND = 1024 * 1024;
  public static final long MAX_BYTES_PER_SECOND = 10L * 1024 * 1024 * 1024;
  /**
   * Clients send from ephemeral ports (1024 and up on every OS). A datagram from a well-known port comes from a
   * service — or is forged to look so — and echoing it would start an endless loop with another echo or chargen
   * service, or reflect traffic at a DNS or NTP server: what inetd's echo refuses too.
   */
  public static final int DEFAULT_MIN_SOURCE_PORT = 1024;
  public static final int MAX_PORT = 65_535;

  public static final UdpOptions DEFAULTS = new UdpOptions(DEFAULT_MAX_DATAGRAM_SIZE, DEFAULT_DATAGRAMS_PER_SECOND,
      DEFAULT_BYTES_PER_SECOND);

  public UdpOptions {
    checkRange(MAX_DATAGRAM_SIZE, maxDatagramSize, 1, MAX_MAX_DATAGRAM_SIZE);
    checkRange(DATAGRAMS_PER_SECOND, datagramsPerSecond, 0, MAX_DATAGRAMS_PER_SECOND);
    checkRange(BYTES_PER_SECOND, bytesPerSecond, 0, MAX_BYTES_PER_SECOND);
    checkRange(MIN_SOURCE_PORT, minSourcePort, 0, MAX_PORT);
  }

  /** These limits, datagrams from well-known ports dropped ({@link #DEFAULT_MIN_SOURCE_PORT}). */
  public UdpOptions(int maxDatagramSize, int datagramsPerSecond, long bytesPerSecond) {
    this(maxDatagramSize, datagramsPerSecond, bytesPerSecond, DEFAULT_MIN_SOURCE_PORT);
  }

  public UdpOptions withMinSourcePort(int port) {
    return new UdpOptions(maxDatagramSize, datagramsPerSecond, bytesPerSecond, port);
  }

  /** The {@code udp} block of the listener entry whose keys start with {@code prefix}. */
  static UdpOptions from(Settings s, String prefix) {
    return new UdpOptions(
        s.integer(prefix + MAX_DATAGRAM_SIZE, DEFAULT_MAX_DATAGRAM_SIZE, 1, MAX_MAX_DATAGRAM_SIZE),
        s.integer(prefix + DATAGRAMS_PER_SECOND, DEFAULT_DATAGRAMS_PER_SECOND, 0, MAX_DATAGRAMS_PER_SECOND),
        s.number(prefix + BYTES_PER_SECOND, DEFAULT_BYTES_PER_SECOND, 0, MAX_BYTES_PER_SECOND),
        s.integer(prefix + MIN_SOURCE_PORT, DEFAULT_MIN_SOURCE_PORT, 0, MAX_PORT));
  }

  JsonObject toJson() {
    return new JsonObject().put("maxDatagramSize", maxDatagramSize).put("datagramsPerSecond", datagramsPerSecond)
        .put("bytesPerSecond", bytesPerSecond).put("minSourcePort", minSourcePort);
  }
}
