package dev.echokit.config;

import java.util.List;
import java.util.Locale;

/** The Netty transport Vert.x runs on: a process-wide choice, made before Vert.x starts. */
public enum TransportChoice {
  /** A native transport when this machine loads one (epoll, else io_uring), else NIO. */
  AUTO,
  NIO,
  EPOLL,
  IO_URING;

  public static final String KEY = "transport";
  static final List<String> NAMES = List.of("auto", "nio", "epoll", "io_uring");

  public static TransportChoice from(Settings settings) {
    return valueOf(settings.choice(KEY, "auto", NAMES).toUpperCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
