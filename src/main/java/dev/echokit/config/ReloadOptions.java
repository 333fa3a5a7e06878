package dev.echokit.config;

import java.util.Set;

/**
 * When the server re-reads its config file to apply changes without a restart.
 *
 * @param scanPeriodMillis how often the file is checked for changes; 0: never (the default)
 */
public record ReloadOptions(long scanPeriodMillis) {

  public static final String SCAN_PERIOD = "config.scanPeriod";
  public static final Set<String> KEYS = Set.of(SCAN_PERIOD);

  /** Reading a small file more often than ten times a second buys nothing and costs a syscall each time. */
  public static final long MIN_SCAN_PERIOD_MILLIS = 100;
  public static final long MAX_SCAN_PERIOD_MILLIS = 3_600_000;

  public ReloadOptions {
    if (scanPeriodMillis != 0 && (scanPeriodMillis < MIN_SCAN_PERIOD_MILLIS || scanPeriodMillis > MAX_SCAN_PERIOD_MILLIS)) {
      throw new ConfigException("invalid " + SCAN_PERIOD + " = " + scanPeriodMillis + ": " + allowed());
    }
  }

  public static ReloadOptions from(Settings s) {
    long period = s.number(SCAN_PERIOD, 0, 0, MAX_SCAN_PERIOD_MILLIS);
    if (period != 0 && period < MIN_SCAN_PERIOD_MILLIS) {
      throw s.invalid(SCAN_PERIOD, period, allowed().substring("expected ".length()));
    }
    return new ReloadOptions(period);
  }

  private static String allowed() {
    return "expected 0 (off) or a whole number from " + MIN_SCAN_PERIOD_MILLIS + " to " + MAX_SCAN_PERIOD_MILLIS;
  }
}
