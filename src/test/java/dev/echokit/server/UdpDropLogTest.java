package dev.echokit.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class UdpDropLogTest {

  @Test
  @DisplayName("dropped datagrams are logged as drops, naming the key, at most once a second per reason")
  void dropsLoggedOncePerSecond() {
    long[] now = {0};
    Rejections rejections = new Rejections(() -> now[0]);
    Logger logger = (Logger) LoggerFactory.getLogger(Rejections.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      for (int i = 0; i < 100; i++) {
        rejections.record(LimitReason.UDP_MAX_DATAGRAM_SIZE, "192.0.2.1:" + (1000 + i), "2000 bytes, above 1472");
      }
      now[0] = Rejections.LOG_INTERVAL_NANOS;
      rejections.record(LimitReason.UDP_MAX_DATAGRAM_SIZE, "192.0.2.1:2000", "2000 bytes, above 1472");
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(rejections.count(LimitReason.UDP_MAX_DATAGRAM_SIZE)).isEqualTo(101);
    assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "dropped a datagram from 192.0.2.1:1000: 2000 bytes, above 1472 (udp.maxDatagramSize)",
        "dropped a datagram from 192.0.2.1:2000: 2000 bytes, above 1472 (udp.maxDatagramSize) — and 99 more for the "
            + "same reason since the last such message");
  }
}
