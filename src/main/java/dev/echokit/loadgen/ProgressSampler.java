package dev.echokit.loadgen;

import io.vertx.core.Handler;

import java.util.List;
import java.util.function.Consumer;

/** Turns the workers' running totals into the per-second rates of one progress line, for TCP and UDP runs alike. */
final class ProgressSampler implements Handler<Long> {

  /** How often a progress line is due. */
  static final long PERIOD_MILLIS = 1000;
  private static final double MIB = 1024.0 * 1024.0;

  private final RunPlan plan;
  private final List<WorkerStats> workers;
  private final Consumer<Progress> progress;
  private long lastNanos;
  private long lastEchoes;
  private long lastBytes;

  /** {@code workers} are the live counters, read (not copied) at every sample. */
  ProgressSampler(RunPlan plan, List<WorkerStats> workers, Consumer<Progress> progress) {
    this.plan = plan;
    this.workers = workers;
    this.progress = progress;
    this.lastNanos = plan.startNanos();
  }

  @Override
  public void handle(Long timerId) {
    long now = System.nanoTime();
    long echoes = 0;
    long bytes = 0;
    long errors = 0;
    int open = 0;
    for (WorkerStats w : workers) {
      echoes += w.echoes();
      bytes += w.echoedBytes();
      errors += w.totalErrors();
      open += w.open();
    }
    double seconds = (now - lastNanos) / 1e9;
    progress.accept(new Progress((now - plan.startNanos()) / 1e9, (echoes - lastEchoes) / seconds,
        (bytes - lastBytes) / MIB / seconds, open, errors, plan.warmingUp(lastNanos)));
    lastNanos = now;
    lastEchoes = echoes;
    lastBytes = bytes;
  }
}
