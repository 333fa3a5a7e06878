package dev.echokit.server;

import dev.echokit.config.HttpOptions;
import dev.echokit.config.LimitOptions;
import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import dev.echokit.config.ServerOptions;
import dev.echokit.config.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/** Starts an echo server with one HTTP listener on a free loopback port, for the HTTP and WebSocket tests. */
final class HttpTestServer {

  /** Two instances, so that requests and WebSockets are spread over event loops as in production. */
  static final int INSTANCES = 2;

  private HttpTestServer() {
  }

  static Future<EchoServerVerticle> start(Vertx vertx, HttpOptions http) {
    return start(vertx, http, null, LimitOptions.defaults());
  }

  /** With {@code tls} non-null the listener speaks https and wss. */
  static Future<EchoServerVerticle> start(Vertx vertx, HttpOptions http, TlsOptions tls, LimitOptions limits) {
    return start(vertx, TestOptions.anyPort().withLimits(limits), http, tls);
  }

  /** The server of {@code base}, with the HTTP listener as its only listener. */
  static Future<EchoServerVerticle> start(Vertx vertx, ServerOptions base, HttpOptions http, TlsOptions tls) {
    ListenerOptions listener = new ListenerOptions(Protocol.HTTP, "127.0.0.1", 0, INSTANCES, tls, null, http);
    EchoServerVerticle server = new EchoServerVerticle(base.withListeners(List.of(listener)));
    return vertx.deployVerticle(server).map(id -> server);
  }
}
