package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** One event loop's share of the connections, with its own NetClient and its own statistics. */
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
  private final List<EchoConnection> connections = new ArrayList<>();
  private final Promise<Void> connectsDone = Promise.promise();
  private final Promise<WorkerStats> finished = Promise.promise();
  /** Held for the worker's life: Vert.x 5 closes a client that becomes unreachable, killing its connections. */
  private NetClient client;
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
    client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout(options.connectTimeoutMillis())
        // Echo requests are latency-bound: never hold a small message back waiting for more data.
        .setTcpNoDelay(true));
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
    return client.close();
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
    client.connect(options.port(), options.host()).onComplete(ar -> {
      pendingConnects--;
      if (ar.succeeded()) {
        connected(index, ar.result(), System.nanoTime() - began);
      } else {
        stats.error(ErrorKind.CONNECT, "connection " + index + ": cannot connect to " + options.host() + ":"
            + options.port() + ": " + reason(ar.cause()));
      }
      if (nextToConnect < indexes.length) {
        connectNext();
      } else if (pendingConnects == 0) {
        connectsDone.tryComplete();
      }
    });
  }

  /** The usual causes in a few words; anything else as Netty put it. */
  private static String reason(Throwable err) {
    String text = String.valueOf(err.getMessage()).toLowerCase(Locale.ROOT);
    if (text.contains("refused")) {
      return "connection refused — is the server running?";
    }
    if (text.contains("timed out")) {
      return "connection timed out — is the host reachable and the port open?";
    }
    if (err instanceof UnknownHostException || err.getCause() instanceof UnknownHostException) {
      return "unknown host — check the host name";
    }
    return String.valueOf(err.getMessage());
  }

  private void connected(int index, NetSocket socket, long connectNanos) {
    stats.connected(connectNanos);
    live++;
    connections.add(new EchoConnection(index, options, block, stats, seed, socket, this::connectionDone));
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
          id -> connections.forEach(EchoConnection::timeUp));
    }
    for (EchoConnection c : connections) {
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
