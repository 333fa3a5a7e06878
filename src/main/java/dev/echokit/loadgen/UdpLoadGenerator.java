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
      workers.add(new UdpLoadWorker(options, block, LoadGenerator.connectionsOf(w, instances, options.connections()),
          seed, server));
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
          List<WorkerStats> stats = workers.stream().map(w -> w.stats).toList();
          long timer = vertx.setPeriodic(ProgressSampler.PERIOD_MILLIS, new ProgressSampler(plan, stats, progress));
          List<Future<WorkerStats>> done = new ArrayList<>();
          workers.forEach(w -> done.add(w.go(plan)));
          return Future.all(done).map(all -> {
            vertx.cancelTimer(timer);
            return LoadReport.merge(options, plan, stats, System.nanoTime());
          });
        })
        .eventually(() -> LoadGenerator.undeploy(vertx, deployments));
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
}
