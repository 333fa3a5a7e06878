package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One event loop's share of the connections, with its own client (TCP, TLS or WebSocket) and its own statistics. */
final class LoadWorker extends VerticleBase {

  /**
   * Connection attempts in progress at once per event loop: a default accept backlog (Vert.x: 1024) shared by
   * several event loops connecting together overflows past this, and each dropped SYN adds a second to connect time.
   */
  static final int MAX_PENDING_CONNECTS = 128;
  /** Stalls are checked a few times per timeout, but at most once a second and at least every 10 ms. */
  static final long MAX_STALL_CHECK_MILLIS = 1000;
  static final long MIN_STALL_CHECK_MILLIS = 10;

  final WorkerStats stats = new WorkerStats();
  private final LoadOptions options;
  private final PayloadBlock block;
  private final int[] indexes;
  private final long seed;
  private final List<LoadConnection> connections = new ArrayList<>();
  private final Promise<Void> connectsDone = Promise.promise();
  private final Promise<WorkerStats> finished = Promise.promise();
  /** Holds the worker's Vert.x client for its life: Vert.x 5 closes an unreachable one, killing its connections. */
  private PeerDialer dialer;
  private int nextToConnect;
  private int pendingConnects;
  /** Connections opened and not yet finished or failed. */
  private int live;
  private boolean started;
  private long stallTimer = -1;
  private long endTimer = -1;

  /** Opens the connections numbered {@code indexes} (out of all the run's connections). */
  LoadWorker(LoadOptions options, PayloadBlock block, int[] indexes, long seed) {
    this.options = options;
    this.block = block;
    this.indexes = indexes.clone();
    this.seed = seed;
  }

  /** Completes once every connection attempt has succeeded or failed. */
  @Override
  public Future<?> start() {
    dialer = new PeerDialer(vertx, options);
    if (indexes.length == 0) {
      connectsDone.complete();
    }
    for (int i = 0; i < Math.min(MAX_PENDING_CONNECTS, indexes.length); i++) {
      connectNext();
    }
    return connectsDone.future();
  }

  @Override
  public Future<?> stop() {
    return dialer.close();
  }

  /** Starts the load on this worker's event loop; completes when every connection is done. */
  Future<WorkerStats> go(RunPlan plan) {
    context.runOnContext(v -> begin(plan));
    return finished.future();
  }

  private void connectNext() {
    int index = indexes[nextToConnect++];
    pendingConnects++;
    long began = System.nanoTime();
    dialer.open(index, block, stats, seed, this::connectionDone).onComplete(ar -> {
      pendingConnects--;
      if (ar.succeeded()) {
        connected(ar.result(), System.nanoTime() - began);
      } else {
        stats.error(ErrorKind.CONNECT, "connection " + index + ": cannot connect to " + options.host() + ":"
            + options.port() + ": " + dialer.describe(ar.cause()));
      }
      if (nextToConnect < indexes.length) {
        connectNext();
      } else if (pendingConnects == 0) {
        connectsDone.tryComplete();
      }
    });
  }

  private void connected(LoadConnection connection, long connectNanos) {
    stats.connected(connectNanos);
    live++;
    connections.add(connection);
  }

  private void begin(RunPlan plan) {
    started = true;
    long checkMillis = Math.max(MIN_STALL_CHECK_MILLIS, Math.min(MAX_STALL_CHECK_MILLIS, options.timeoutMillis() / 4));
    stallTimer = vertx.setPeriodic(checkMillis, id -> {
      long now = System.nanoTime();
      connections.forEach(c -> c.checkStall(now));
    });
    if (plan.measureEndNanos() != Long.MAX_VALUE) {
      long delayNanos = plan.measureEndNanos() - System.nanoTime();
      endTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos) + 1),
          id -> connections.forEach(LoadConnection::timeUp));
    }
    for (LoadConnection c : connections) {
      c.start(plan);
    }
    checkFinished();
  }

  private void connectionDone() {
    live--;
    checkFinished();
  }

  private void checkFinished() {
    if (started && live == 0 && !finished.future().isComplete()) {
      vertx.cancelTimer(stallTimer);
      vertx.cancelTimer(endTimer);
      finished.complete(stats);
    }
  }
}
