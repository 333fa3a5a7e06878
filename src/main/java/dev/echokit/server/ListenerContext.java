package dev.echokit.server;

import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.metrics.ListenerMeters;
import io.vertx.core.net.ServerSSLOptions;

/**
 * What one listener verticle needs: the server's options, its own listener's (resolved), the port to bind
 * (negative: a random port shared with its sibling instances), what all listeners share, its meters, and
 * its TLS credentials (null without TLS).
 */
record ListenerContext(ServerOptions server, ListenerOptions listener, int bindPort, ListenerGroup group,
                       ListenerMeters meters, ServerSSLOptions ssl) {
}
