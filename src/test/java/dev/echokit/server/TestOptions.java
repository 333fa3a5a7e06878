package dev.echokit.server;

import dev.echokit.config.MetricsOptions;
import dev.echokit.config.ServerOptions;

/**
 * Server options every test starts from: the defaults on a free port and without the admin server, so tests
 * never collide with a running server.
 */
final class TestOptions {

  private TestOptions() {
  }

  static ServerOptions anyPort() {
    return ServerOptions.defaults().withPort(0).withMetrics(MetricsOptions.OFF);
  }
}
