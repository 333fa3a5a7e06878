package dev.echokit.cli;

import dev.echokit.config.ConfigException;
import dev.echokit.config.TransportChoice;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.LoggerFactory;

/** Builds Vert.x on the Netty transport named by the {@code transport} setting. */
final class Transports {

  private Transports() {
  }

  static VertxBuilder builder(VertxOptions options, TransportChoice choice) {
    Transport transport = resolve(choice);
    LoggerFactory.getLogger(Transports.class).info("Vert.x transport: {}", transport.name());
    return Vertx.builder().with(options).withTransport(transport);
  }

  static Transport resolve(TransportChoice choice) {
    Transport transport = switch (choice) {
      case AUTO -> {
        Transport nativeOne = Transport.nativeTransport();
        yield nativeOne != null && nativeOne.available() ? nativeOne : Transport.NIO;
      }
      case NIO -> Transport.NIO;
      case EPOLL -> Transport.EPOLL;
      case IO_URING -> Transport.IO_URING;
    };
    if (transport == null || !transport.available()) {
      Throwable cause = transport == null ? null : transport.unavailabilityCause();
      throw new ConfigException("transport " + choice + " is not available on this machine"
          + (cause == null ? "" : " (" + cause.getMessage() + ")") + " — use auto or nio");
    }
    return transport;
  }
}
