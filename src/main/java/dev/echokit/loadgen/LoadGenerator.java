package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import dev.echokit.config.PeerOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one load test against an echo server: spreads the connections over event loops, opens them all, starts the
 * load on every event loop at once, reports progress every second and merges the results when all are done.
 */
public final class LoadGenerator {

  private static final long PROGRESS_MILLIS = 1000;
  private static final double MIB = 1024.0 * 1024.0;

  private final Vertx vertx;
  private final LoadOptions options;
  private Consumer<Progress> progress = p -> { };

  public LoadGenerator(Vertx vertx, LoadOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /** Called about once a second, on an event loop, while the load runs. */
  public LoadGenerator onProgress(Consumer<Progress> listener) {
    this.progress = listener;
    return this;
  }

  /** Runs the test; the report counts every failure, so the future itself fails only if Vert.x does. */
  public Future<LoadReport> run() {
    if (options.peer().transport() == PeerOptions.Transport.UDP) {
      return new UdpLoadGenerator(vertx, options, progress).run();
    }
    long seed = System.nanoTime();
    PayloadBlock block = new PayloadBlock(options.sizeMax(), seed);
    int instances = Math.min(options.instances(), options.connections());
    List<LoadWorker> workers = new ArrayList<>();
    for (int w = 0; w < instances; w++) {
      int[] indexes = new int[(options.connections() - w + instances - 1) / instances];
      for (int i = 0; i < indexes.length; i++) {
        indexes[i] = w + i * instances;
      }
      workers.add(new LoadWorker(options, block, indexes, seed));
    }
    List<Future<String>> deployments = new ArrayList<>();
    return primeConnectPath()
        .compose(primed -> {
          for (LoadWorker worker : workers) {
            deployments.add(vertx.deployVerticle(worker));
          }
          return Future.join(deployments);
        })
        .compose(deployed -> {
          RunPlan plan = RunPlan.startingNow(options);
          long timer = vertx.setPeriodic(PROGRESS_MILLIS, new ProgressSampler(plan, workers));
          List<Future<WorkerStats>> done = new ArrayList<>();
          for (LoadWorker worker : workers) {
            done.add(worker.go(plan));
          }
          return Future.all(done).map(all -> {
            vertx.cancelTimer(timer);
            List<WorkerStats> stats = new ArrayList<>();
            workers.forEach(w -> stats.add(w.stats));
            return LoadReport.merge(options, plan, stats, System.nanoTime());
          });
        })
        .eventually(() -> undeploy(deployments));
  }

  /** One unmeasured connection first, of the run's kind (see {@link PeerDialer#prime()}); checks the TLS files too. */
  private Future<Void> primeConnectPath() {
    PeerDialer primer;
    try {
      primer = new PeerDialer(vertx, options);
    } catch (RuntimeException badTlsFile) {
      return Future.failedFuture(badTlsFile);
    }
    return primer.prime().eventually(primer::close);
  }

  private Future<Void> undeploy(List<Future<String>> deployments) {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (Future<String> d : deployments) {
      if (d.succeeded()) {
        undeployed.add(vertx.undeploy(d.result()));
      }
    }
    return Future.join(undeployed).mapEmpty();
  }

  /** Turns the workers' running totals into per-second rates. */
  private final class ProgressSampler implements Handler<Long> {

    private final RunPlan plan;
    private final List<LoadWorker> workers;
    private long lastNanos;
    private long lastEchoes;
    private long lastBytes;

    ProgressSampler(RunPlan plan, List<LoadWorker> workers) {
      this.plan = plan;
      this.workers = workers;
      this.lastNanos = plan.startNanos();
    }

    @Override
    public void handle(Long timerId) {
      long now = System.nanoTime();
      long echoes = 0;
      long bytes = 0;
      long errors = 0;
      int open = 0;
      for (LoadWorker w : workers) {
        echoes += w.stats.echoes();
        bytes += w.stats.echoedBytes();
        errors += w.stats.totalErrors();
        open += w.stats.open();
      }
      double seconds = (now - lastNanos) / 1e9;
      progress.accept(new Progress((now - plan.startNanos()) / 1e9, (echoes - lastEchoes) / seconds,
          (bytes - lastBytes) / MIB / seconds, open, errors, plan.warmingUp(lastNanos)));
      lastNanos = now;
      lastEchoes = echoes;
      lastBytes = bytes;
    }
  }
}
