package dev.echokit.server;

import dev.echokit.config.UdpOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-source budgets on a clock the test sets, so that "one second later" is exact. */
class SourceBudgetsTest {

  static final int DATAGRAMS_PER_SECOND = 1000;
  static final UdpOptions LIMITS = new UdpOptions(UdpOptions.DEFAULT_MAX_DATAGRAM_SIZE, DATAGRAMS_PER_SECOND, 0);
  static final long START = 1_000_000_000_000L;

  /** A distinct IPv4 address for each number below 2^24. */
  static String address(int n) {
    return "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
  }

  @Test
  @DisplayName("a flood from ten times as many addresses as the table holds tracks no more than the bound, and the "
      + "addresses beyond it share one source's budget")
  void floodOfSourcesStaysBounded() {
    SourceBudgets budgets = new SourceBudgets(LIMITS, START);
    int sources = 10 * SourceBudgets.MAX_TRACKED_SOURCES;
    int admittedBeyond = 0;
    for (int i = 0; i < sources; i++) {
      boolean admitted = budgets.admit(address(i), 64, START) == null;
      if (i < SourceBudgets.MAX_TRACKED_SOURCES) {
        assertThat(admitted).as("source %d, within the table", i).isTrue();
      } else if (admitted) {
        admittedBeyond++;
      }
    }
    assertThat(budgets.tracked()).isEqualTo(SourceBudgets.MAX_TRACKED_SOURCES);
    assertThat(admittedBeyond).isEqualTo(DATAGRAMS_PER_SECOND);
  }

  @Test
  @DisplayName("once the least recently heard source has been quiet a full second, a new address takes its place "
      + "with a budget of its own")
  void quietSourceMakesRoom() {
    SourceBudgets budgets = new SourceBudgets(LIMITS, START);
    for (int i = 0; i < SourceBudgets.MAX_TRACKED_SOURCES; i++) {
      budgets.admit(address(i), 64, START);
    }
    // Everyone stays active except source 0, the least recently heard.
    long later = START + SourceBudgets.REFILL_NANOS;
    for (int i = 1; i < SourceBudgets.MAX_TRACKED_SOURCES; i++) {
      budgets.admit(address(i), 64, later - 1);
    }
    String newcomer = address(SourceBudgets.MAX_TRACKED_SOURCES);
    for (int n = 0; n < DATAGRAMS_PER_SECOND; n++) {
      assertThat(budgets.admit(newcomer, 64, later)).as("datagram %d of the newcomer", n).isNull();
    }
    assertThat(budgets.admit(newcomer, 64, later)).isEqualTo(LimitReason.UDP_DATAGRAMS_PER_SECOND);
    assertThat(budgets.tracked()).isEqualTo(SourceBudgets.MAX_TRACKED_SOURCES);
  }

  @Test
  @DisplayName("a source gets one second's budget at once, then its rate: one more datagram every 1/rate seconds")
  void bucketRefillsAtTheRate() {
    SourceBudgets budgets = new SourceBudgets(new UdpOptions(1472, 10, 0), START);
    for (int n = 0; n < 10; n++) {
      assertThat(budgets.admit("192.0.2.1", 100, START)).isNull();
    }
    assertThat(budgets.admit("192.0.2.1", 100, START)).isEqualTo(LimitReason.UDP_DATAGRAMS_PER_SECOND);
    long tenthOfASecond = SourceBudgets.REFILL_NANOS / 10;
    assertThat(budgets.admit("192.0.2.1", 100, START + tenthOfASecond)).isNull();
    assertThat(budgets.admit("192.0.2.1", 100, START + tenthOfASecond)).isEqualTo(LimitReason.UDP_DATAGRAMS_PER_SECOND);
    assertThat(budgets.admit("192.0.2.2", 100, START)).as("another source's budget").isNull();
  }

  @Test
  @DisplayName("the byte budget counts bytes: a datagram larger than what is left is dropped, a smaller one passes")
  void byteBudgetCountsBytes() {
    SourceBudgets budgets = new SourceBudgets(new UdpOptions(1472, 0, 1000), START);
    assertThat(budgets.admit("192.0.2.1", 600, START)).isNull();
    assertThat(budgets.admit("192.0.2.1", 600, START)).isEqualTo(LimitReason.UDP_BYTES_PER_SECOND);
    assertThat(budgets.admit("192.0.2.1", 400, START)).as("the 400 bytes left").isNull();
  }
}
