package dev.echokit.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

import static dev.echokit.config.ServerOptions.checkRange;

/**
 * Typed, validated connection limits of the echo server. A connection that breaks one is closed, counted
 * and logged; a value of 0 turns the optional limits off.
 *
 * @param maxConnections              open connections across all listeners; more are closed as they arrive
 * @param maxConnectionsPerIp         open connections from one client address; more are closed as they arrive
 * @param idleTimeoutMillis           a connection whose client sends nothing this long is closed; 0: never
 * @param maxConnectionBytes          a connection is closed once its client has sent more than this; 0: no limit
 * @param maxConnectionDurationMillis a connection is closed once it has been open this long; 0: no limit
 */
public record LimitOptions(int maxConnections, int maxConnectionsPerIp, long idleTimeoutMillis,
                           long maxConnectionBytes, long maxConnectionDurationMillis) {

  public static final String MAX_CONNECTIONS = "maxConnections";
  public static final String MAX_CONNECTIONS_PER_IP = "maxConnectionsPerIp";
  public static final String IDLE_TIMEOUT = "idleTimeout";
  public static final String MAX_CONNECTION_BYTES = "maxConnectionBytes";
  public static final String MAX_CONNECTION_DURATION = "maxConnectionDuration";
  public static final Set<String> KEYS = Set.of(MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP, IDLE_TIMEOUT,
      MAX_CONNECTION_BYTES, MAX_CONNECTION_DURATION);

  /**
   * Each connection holds a file descriptor and up to writeQueueMaxSize bytes: a flood of connections must
   * hit a limit rather than exhaust the process's descriptors or memory. Five times the c10k load EchoKit
   * is benchmarked with, so several load generators fit.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
  public static final int MAX_MAX_CONNECTIONS = 1_000_000;
  /**
   * Two fifths of the global limit: one address cannot take every slot, yet one load generator on one host
   * (the bench suite's idle10k scenario opens 10,000 connections from 127.0.0.1) fits with room to spare.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 20_000;
  /**
   * A peer that vanished without a FIN or a reset (NAT expiry, a pulled cable) would otherwise hold its slot
   * forever; five minutes is far longer than any pause of a live echo client.
   */
  public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 300_000;
  public static final long MAX_IDLE_TIMEOUT_MILLIS = 86_400_000;
  /** Off by default: an echo server's traffic is its purpose. At most 1 TiB so the setting stays meaningful. */
  public static final long MAX_MAX_CONNECTION_BYTES = 1L << 40;
  /** Off by default, for the same reason; at most 30 days. */
  public static final long MAX_MAX_CONNECTION_DURATION_MILLIS = 30L * 86_400_000;

  public LimitOptions {
    checkRange(MAX_CONNECTIONS, maxConnections, 1, MAX_MAX_CONNECTIONS);
    checkRange(MAX_CONNECTIONS_PER_IP, maxConnectionsPerIp, 1, MAX_MAX_CONNECTIONS);
    checkRange(IDLE_TIMEOUT, idleTimeoutMillis, 0, MAX_IDLE_TIMEOUT_MILLIS);
    checkRange(MAX_CONNECTION_BYTES, maxConnectionBytes, 0, MAX_MAX_CONNECTION_BYTES);
    checkRange(MAX_CONNECTION_DURATION, maxConnectionDurationMillis, 0, MAX_MAX_CONNECTION_DURATION_MILLIS);
  }

  public static LimitOptions defaults() {
    return from(new Settings());
  }

  public static LimitOptions from(Settings s) {
    return new LimitOptions(
        s.integer(MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, 1, MAX_MAX_CONNECTIONS),
        s.integer(MAX_CONNECTIONS_PER_IP, DEFAULT_MAX_CONNECTIONS_PER_IP, 1, MAX_MAX_CONNECTIONS),
        s.number(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT_MILLIS, 0, MAX_IDLE_TIMEOUT_MILLIS),
        s.number(MAX_CONNECTION_BYTES, 0, 0, MAX_MAX_CONNECTION_BYTES),
        s.number(MAX_CONNECTION_DURATION, 0, 0, MAX_MAX_CONNECTION_DURATION_MILLIS));
  }

  /** Adds this record's keys to {@code json}. */
  JsonObject addTo(JsonObject json) {
    return json
        .put(MAX_CONNECTIONS, maxConnections)
        .put(MAX_CONNECTIONS_PER_IP, maxConnectionsPerIp)
        .put(IDLE_TIMEOUT, idleTimeoutMillis)
        .put(MAX_CONNECTION_BYTES, maxConnectionBytes)
        .put(MAX_CONNECTION_DURATION, maxConnectionDurationMillis);
  }

  public LimitOptions withMaxConnections(int n) {
    return new LimitOptions(n, maxConnectionsPerIp, idleTimeoutMillis, maxConnectionBytes, maxConnectionDurationMillis);
  }

  public LimitOptions withMaxConnectionsPerIp(int n) {
    return new LimitOptions(maxConnections, n, idleTimeoutMillis, maxConnectionBytes, maxConnectionDurationMillis);
  }

  public LimitOptions withIdleTimeout(long millis) {
    return new LimitOptions(maxConnections, maxConnectionsPerIp, millis, maxConnectionBytes, maxConnectionDurationMillis);
  }

  public LimitOptions withMaxConnectionBytes(long bytes) {
    return new LimitOptions(maxConnections, maxConnectionsPerIp, idleTimeoutMillis, bytes, maxConnectionDurationMillis);
  }

  public LimitOptions withMaxConnectionDuration(long millis) {
    return new LimitOptions(maxConnections, maxConnectionsPerIp, idleTimeoutMillis, maxConnectionBytes, millis);
  }
}
