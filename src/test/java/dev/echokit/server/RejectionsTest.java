package dev.echokit.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class RejectionsTest {

  @Test
  @DisplayName("every rejection is counted, but each reason is logged at most once a second, with what was left out")
  void countsAllLogsOncePerSecond() {
    long[] now = {0};
    Rejections rejections = new Rejections(() -> now[0]);
    Logger logger = (Logger) LoggerFactory.getLogger(Rejections.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      for (int i = 0; i < 5; i++) {
        rejections.record(LimitReason.MAX_CONNECTIONS, "peer" + i, "full");
      }
      rejections.record(LimitReason.IDLE_TIMEOUT, "quiet", "silent");
      now[0] = Rejections.LOG_INTERVAL_NANOS / 2;
      rejections.record(LimitReason.MAX_CONNECTIONS, "peer5", "full");
      now[0] = Rejections.LOG_INTERVAL_NANOS;
      rejections.record(LimitReason.MAX_CONNECTIONS, "peer6", "full");
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(rejections.count(LimitReason.MAX_CONNECTIONS)).isEqualTo(7);
    assertThat(rejections.count(LimitReason.IDLE_TIMEOUT)).isEqualTo(1);
    assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "closed peer0: full (maxConnections)",
        "closed quiet: silent (idleTimeout)",
        "closed peer6: full (maxConnections) — and 5 more for the same reason since the last such message");
  }
}
