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
 */
public record UdpOptions(int maxDatagramSize, int datagramsPerSecond, long bytesPerSecond) {

  public static final String MAX_DATAGRAM_SIZE = "udp.maxDatagramSize";
  public static final String DATAGRAMS_PER_SECOND = "udp.datagramsPerSecond";
  public static final String BYTES_PER_SECOND = "udp.bytesPerSecond";
  /** Keys inside one listener entry. */
  public static final Set<String> KEYS = Set.of(MAX_DATAGRAM_SIZE, DATAGRAMS_PER_SECOND, BYTES_PER_SECOND);

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

  public static final UdpOptions DEFAULTS = new UdpOptions(DEFAULT_MAX_DATAGRAM_SIZE, DEFAULT_DATAGRAMS_PER_SECOND,
      DEFAULT_BYTES_PER_SECOND);

  public UdpOptions {
    checkRange(MAX_DATAGRAM_SIZE, maxDatagramSize, 1, MAX_MAX_DATAGRAM_SIZE);
    checkRange(DATAGRAMS_PER_SECOND, datagramsPerSecond, 0, MAX_DATAGRAMS_PER_SECOND);
    checkRange(BYTES_PER_SECOND, bytesPerSecond, 0, MAX_BYTES_PER_SECOND);
  }

  /** The {@code udp} block of the listener entry whose keys start with {@code prefix}. */
  static UdpOptions from(Settings s, String prefix) {
    return new UdpOptions(
        s.integer(prefix + MAX_DATAGRAM_SIZE, DEFAULT_MAX_DATAGRAM_SIZE, 1, MAX_MAX_DATAGRAM_SIZE),
        s.integer(prefix + DATAGRAMS_PER_SECOND, DEFAULT_DATAGRAMS_PER_SECOND, 0, MAX_DATAGRAMS_PER_SECOND),
        s.number(prefix + BYTES_PER_SECOND, DEFAULT_BYTES_PER_SECOND, 0, MAX_BYTES_PER_SECOND));
  }

  JsonObject toJson() {
    return new JsonObject().put("maxDatagramSize", maxDatagramSize).put("datagramsPerSecond", datagramsPerSecond)
        .put("bytesPerSecond", bytesPerSecond);
  }
}
