package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import dev.echokit.config.PeerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one load test against an echo server: spreads the connections over event loops, opens them all, starts the
 * load on every event loop at once, reports progress every second and merges the results when all are done.
 */
public final class LoadGenerator {

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
      workers.add(new LoadWorker(options, block, connectionsOf(w, instances, options.connections()), seed));
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
          List<WorkerStats> stats = workers.stream().map(w -> w.stats).toList();
          long timer = vertx.setPeriodic(ProgressSampler.PERIOD_MILLIS, new ProgressSampler(plan, stats, progress));
          List<Future<WorkerStats>> done = new ArrayList<>();
          for (LoadWorker worker : workers) {
            done.add(worker.go(plan));
          }
          return Future.all(done).map(all -> {
            vertx.cancelTimer(timer);
            return LoadReport.merge(options, plan, stats, System.nanoTime());
          });
        })
        .eventually(() -> undeploy(vertx, deployments));
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

  /**
   * The connection indexes worker {@code worker} of {@code workers} opens: every {@code workers}-th, so that the
   * event loops get shares that differ by at most one.
   */
  static int[] connectionsOf(int worker, int workers, int connections) {
    int[] indexes = new int[(connections - worker + workers - 1) / workers];
    for (int i = 0; i < indexes.length; i++) {
      indexes[i] = worker + i * workers;
    }
    return indexes;
  }

  /** Undeploys the workers that did deploy, so that a failed deployment does not hide the others' results. */
  static Future<Void> undeploy(Vertx vertx, List<Future<String>> deployments) {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (Future<String> d : deployments) {
      if (d.succeeded()) {
        undeployed.add(vertx.undeploy(d.result()));
      }
    }
    return Future.join(undeployed).mapEmpty();
  }
}
