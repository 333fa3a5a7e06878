package dev.echokit.server;

import org.slf4j.LoggerFactory;

/** Applies the {@code logLevel} option when logback is the SLF4J backend (as in the fat jar). */
final class LogLevels {

  private static final boolean LOGBACK = isLogback();

  private LogLevels() {
  }

  /** Sets the level of EchoKit's own loggers; other backends keep their own configuration. */
  static void apply(String level) {
    if (LOGBACK && LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      context.getLogger("dev.echokit").setLevel(ch.qos.logback.classic.Level.toLevel(level));
    }
  }

  private static boolean isLogback() {
    try {
      Class.forName("ch.qos.logback.classic.LoggerContext", false, LogLevels.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
