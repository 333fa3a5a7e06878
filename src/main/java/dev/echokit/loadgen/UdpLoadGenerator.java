package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A load test over UDP, as {@link LoadGenerator} runs one over TCP: the host is resolved once, the sockets are spread
 * over event loops and bound, the load starts on all of them at once, progress is reported every second, and the
 * results are merged into the same report, lost datagrams counted as their own kind of error.
 */
final class UdpLoadGenerator {

  private static final long PROGRESS_MILLIS = 1000;
  private static final double MIB = 1024.0 * 1024.0;

  private final Vertx vertx;
  private final LoadOptions options;
  private final Consumer<Progress> progress;

  UdpLoadGenerator(Vertx vertx, LoadOptions options, Consumer<Progress> progress) {
    this.vertx = vertx;
    this.options = options;
    this.progress = progress;
  }

  Future<LoadReport> run() {
    return vertx.executeBlocking(() -> InetAddress.getByName(options.host()))
        .compose(this::run, err -> Future.succeededFuture(unresolved(err)));
  }

  private Future<LoadReport> run(InetAddress server) {
    long seed = System.nanoTime();
    PayloadBlock block = new PayloadBlock(options.sizeMax(), seed);
    int instances = Math.min(options.instances(), options.connections());
    List<UdpLoadWorker> workers = new ArrayList<>();
    for (int w = 0; w < instances; w++) {
      int[] indexes = new int[(options.connections() - w + instances - 1) / instances];
      for (int i = 0; i < indexes.length; i++) {
        indexes[i] = w + i * instances;
      }
      workers.add(new UdpLoadWorker(options, block, indexes, seed, server));
    }
    List<Future<String>> deployments = new ArrayList<>();
    return prime(server)
        .compose(primed -> {
          for (UdpLoadWorker worker : workers) {
            deployments.add(vertx.deployVerticle(worker));
          }
          return Future.join(deployments);
        })
        .compose(deployed -> {
          RunPlan plan = RunPlan.startingNow(options);
          long timer = vertx.setPeriodic(PROGRESS_MILLIS, new Sampler(plan, workers)::sample);
          List<Future<WorkerStats>> done = new ArrayList<>();
          workers.forEach(w -> done.add(w.go(plan)));
          return Future.all(done).map(all -> {
            vertx.cancelTimer(timer);
            return LoadReport.merge(options, plan, workers.stream().map(w -> w.stats).toList(), System.nanoTime());
          });
        })
        .eventually(() -> Future.join(deployments.stream().filter(Future::succeeded)
            .map(d -> vertx.undeploy(d.result())).toList()));
  }

  /**
   * Binds and closes one unmeasured socket first: the process's first datagram socket loads and links Netty's and
   * Vert.x's datagram path, which would otherwise add a few hundred milliseconds to the first binds' times.
   */
  private Future<Void> prime(InetAddress server) {
    boolean v6 = server instanceof Inet6Address;
    DatagramSocket primer = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(v6));
    return primer.listen(0, v6 ? "::" : "0.0.0.0").<Void>mapEmpty().recover(err -> Future.succeededFuture())
        .eventually(primer::close);
  }

  /** An unknown host: every socket is a connect failure, as a refused TCP connection would be. */
  private LoadReport unresolved(Throwable err) {
    WorkerStats stats = new WorkerStats();
    for (int i = 0; i < options.connections(); i++) {
      stats.error(ErrorKind.CONNECT, "socket " + i + ": cannot resolve " + options.host() + ": unknown host — check "
          + "the host name");
    }
    return LoadReport.merge(options, RunPlan.startingNow(options), List.of(stats), System.nanoTime());
  }

  /** Turns the workers' running totals into per-second rates, as the TCP run's progress line does. */
  private final class Sampler {

    private final RunPlan plan;
    private final List<UdpLoadWorker> workers;
    private long lastNanos;
    private long lastEchoes;
    private long lastBytes;

    Sampler(RunPlan plan, List<UdpLoadWorker> workers) {
      this.plan = plan;
      this.workers = workers;
      this.lastNanos = plan.startNanos();
    }

    void sample(long timerId) {
      long now = System.nanoTime();
      long echoes = 0;
      long bytes = 0;
      long errors = 0;
      int open = 0;
      for (UdpLoadWorker w : workers) {
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
