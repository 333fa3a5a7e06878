package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One event loop's share of a UDP load test: its sockets (one per "connection") and its own statistics. */
final class UdpLoadWorker extends VerticleBase {

  /**
   * Vert.x sets both the kernel's receive buffer (SO_RCVBUF) and each read's buffer from this one option: 212,992
   * bytes (Linux's default {@code net.core.rmem_default}) is larger than any datagram, so no echo is cut to fit a
   * 2048-byte read buffer, and keeps the socket's queue as deep as an untouched one's. Echoes that overflow it are
   * dropped by the kernel and show up as lost.
   */
  static final int RECEIVE_BUFFER_BYTES = 212_992;
  /** Losses are checked a few times per loss timeout, but at most once a second and at least every 10 ms. */
  static final long MAX_LOSS_CHECK_MILLIS = 1000;
  static final long MIN_LOSS_CHECK_MILLIS = 10;

  final WorkerStats stats = new WorkerStats();
  private final LoadOptions options;
  private final PayloadBlock block;
  private final int[] indexes;
  private final long seed;
  private final InetAddress server;
  private final List<DatagramFlow> flows = new ArrayList<>();
  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final Promise<WorkerStats> finished = Promise.promise();
  private int live;
  private boolean started;
  private long lossTimer = -1;
  private long endTimer = -1;

  /** Binds the sockets numbered {@code indexes} (out of the run's); {@code server} is the resolved host. */
  UdpLoadWorker(LoadOptions options, PayloadBlock block, int[] indexes, long seed, InetAddress server) {
    this.options = options;
    this.block = block;
    this.indexes = indexes.clone();
    this.seed = seed;
    this.server = server;
  }

  /** Completes once every socket is bound or has failed to. */
  @Override
  public Future<?> start() {
    boolean v6 = server instanceof Inet6Address;
    List<Future<?>> binds = new ArrayList<>();
    for (int index : indexes) {
      long began = System.nanoTime();
      DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions()
          .setIpV6(v6)
          .setReceiveBufferSize(RECEIVE_BUFFER_BYTES));
      sockets.add(socket);
      binds.add(socket.listen(0, v6 ? "::" : "0.0.0.0").onComplete(ar -> {
        if (ar.succeeded()) {
          stats.connected(System.nanoTime() - began);
          live++;
          flows.add(new DatagramFlow(index, options, block, stats, seed, vertx, socket, server.getHostAddress(),
              this::flowDone));
        } else {
          stats.error(ErrorKind.CONNECT, "socket " + index + ": cannot bind: " + ar.cause().getMessage());
        }
      }));
    }
    return Future.join(binds);
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closed = new ArrayList<>();
    sockets.forEach(s -> closed.add(s.close()));
    return Future.join(closed);
  }

  /** Starts the load on this worker's event loop; completes when every socket is done. */
  Future<WorkerStats> go(RunPlan plan) {
    context.runOnContext(v -> begin(plan));
    return finished.future();
  }

  private void begin(RunPlan plan) {
    started = true;
    long checkMillis = Math.max(MIN_LOSS_CHECK_MILLIS,
        Math.min(MAX_LOSS_CHECK_MILLIS, options.peer().lossTimeoutMillis() / 4));
    lossTimer = vertx.setPeriodic(checkMillis, id -> {
      long now = System.nanoTime();
      // A copy: a check may finish a flow.
      List.copyOf(flows).forEach(f -> f.checkLoss(now));
    });
    if (plan.measureEndNanos() != Long.MAX_VALUE) {
      long delayNanos = plan.measureEndNanos() - System.nanoTime();
      endTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos) + 1),
          id -> flows.forEach(DatagramFlow::timeUp));
    }
    for (DatagramFlow f : flows) {
      f.start(plan);
    }
    checkFinished();
  }

  private void flowDone() {
    live--;
    checkFinished();
  }

  private void checkFinished() {
    if (started && live == 0 && !finished.future().isComplete()) {
      vertx.cancelTimer(lossTimer);
      vertx.cancelTimer(endTimer);
      finished.complete(stats);
    }
  }
}
