package dev.echokit.server;

import dev.echokit.config.LimitOptions;

import java.util.Arrays;
import java.util.List;

/** Why the server closed a connection on its own: which limit it broke. */
enum LimitReason {
  MAX_CONNECTIONS(LimitOptions.MAX_CONNECTIONS, "max_connections"),
  MAX_CONNECTIONS_PER_IP(LimitOptions.MAX_CONNECTIONS_PER_IP, "max_connections_per_ip"),
  IDLE_TIMEOUT(LimitOptions.IDLE_TIMEOUT, "idle_timeout"),
  MAX_CONNECTION_BYTES(LimitOptions.MAX_CONNECTION_BYTES, "max_connection_bytes"),
  MAX_CONNECTION_DURATION(LimitOptions.MAX_CONNECTION_DURATION, "max_connection_duration");

  static final List<String> TAGS = Arrays.stream(values()).map(r -> r.tag).toList();

  /** The config key that sets the limit, named in log lines so the reader knows what to raise. */
  final String key;
  /** The value of the {@code reason} tag on the rejection counter. */
  final String tag;

  LimitReason(String key, String tag) {
    this.key = key;
    this.tag = tag;
  }
}
