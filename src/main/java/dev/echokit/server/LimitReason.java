package dev.echokit.server;

import dev.echokit.config.LimitOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.UdpOptions;

import java.util.Arrays;
import java.util.List;

/** Why the server closed a connection, or dropped a datagram, on its own: which limit it broke. */
enum LimitReason {
  MAX_CONNECTIONS(LimitOptions.MAX_CONNECTIONS, "max_connections"),
  MAX_CONNECTIONS_PER_IP(LimitOptions.MAX_CONNECTIONS_PER_IP, "max_connections_per_ip"),
  IDLE_TIMEOUT(LimitOptions.IDLE_TIMEOUT, "idle_timeout"),
  MAX_CONNECTION_BYTES(LimitOptions.MAX_CONNECTION_BYTES, "max_connection_bytes"),
  MAX_CONNECTION_DURATION(LimitOptions.MAX_CONNECTION_DURATION, "max_connection_duration"),
  UDP_MAX_DATAGRAM_SIZE(UdpOptions.MAX_DATAGRAM_SIZE, "udp_max_datagram_size"),
  UDP_DATAGRAMS_PER_SECOND(UdpOptions.DATAGRAMS_PER_SECOND, "udp_datagrams_per_second"),
  UDP_BYTES_PER_SECOND(UdpOptions.BYTES_PER_SECOND, "udp_bytes_per_second"),
  UDP_MIN_SOURCE_PORT(UdpOptions.MIN_SOURCE_PORT, "udp_min_source_port"),
  /** Not a setting: replies the kernel has not taken yet are bounded by {@code UdpEchoListener.MAX_PENDING_REPLY_BYTES}. */
  UDP_SEND_BACKLOG("udp send backlog, fixed", "udp_send_backlog");

  /** The connection limits' tags: what a TCP, TLS or HTTP listener may reject for. */
  static final List<String> TAGS = Arrays.stream(values()).filter(r -> !r.datagram()).map(r -> r.tag).toList();
  /** The datagram limits' tags: what a UDP listener may drop for. */
  static final List<String> UDP_TAGS = Arrays.stream(values()).filter(LimitReason::datagram).map(r -> r.tag).toList();

  /** The config key that sets the limit, named in log lines so the reader knows what to raise. */
  final String key;
  /** The value of the {@code reason} tag on the rejection counter. */
  final String tag;

  LimitReason(String key, String tag) {
    this.key = key;
    this.tag = tag;
  }

  /** A datagram limit drops one datagram; every other limit closes a connection. */
  boolean datagram() {
    return name().startsWith("UDP_");
  }

  /** The reasons a listener of {@code protocol} can reject for, registered as counters at 0 when it starts. */
  static List<String> tags(Protocol protocol) {
    return protocol == Protocol.UDP ? UDP_TAGS : TAGS;
  }
}
