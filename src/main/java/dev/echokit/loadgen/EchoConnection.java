package dev.echokit.loadgen;

import dev.echokit.client.TlsFailure;
import dev.echokit.config.LoadOptions;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.net.NetSocket;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One connection's load: sends messages cut from the payload block, keeps at most {@code depth} of them in flight,
 * checks every echoed byte against the block as it arrives, and times each round trip. Everything here runs on the
 * connection's event loop.
 */
final class EchoConnection implements LoadConnection {

  private enum State { CONNECTED, RUNNING, DONE }

  private final int index;
  private final LoadOptions options;
  private final PayloadBlock block;
  private final WorkerStats stats;
  private final Runnable onDone;
  private final NetSocket socket;
  private final RawSocket raw;
  /** Per-connection pseudo-random sizes and offsets: no two connections send the same stream. */
  private final SplittableRandom random;
  private final int sizeSpan;
  private final int depth;
  // Messages in flight, oldest at head: when each was (meant to be) sent, where in the block, how long.
  private final long[] sentAt;
  private final int[] offsets;
  private final int[] lengths;
  private int head;
  private int inFlight;
  /** Bytes of the oldest message already echoed. */
  private int headReceived;

  private State state = State.CONNECTED;
  private RunPlan plan;
  /** Measured messages this connection may still send: its share of the requested total. */
  private long budget;
  private boolean sendingOver;
  /** Open loop: nanoseconds between sends, and when the next send is due; 0 in closed loop. */
  private long intervalNanos;
  private long nextSendNanos;
  private ScheduledFuture<?> pacer;
  // Stall detection: bytes received so far, as seen by the last check, and since when nothing came.
  private long receivedBytes;
  private long bytesAtLastCheck;
  private long quietSinceNanos;

  EchoConnection(int index, LoadOptions options, PayloadBlock block, WorkerStats stats, long seed, NetSocket socket,
                 Runnable onDone) {
    this.index = index;
    this.options = options;
    this.block = block;
    this.stats = stats;
    this.onDone = onDone;
    this.socket = socket;
    this.random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    this.sizeSpan = options.sizeMax() - options.sizeMin() + 1;
    this.depth = options.depth();
    this.sentAt = new long[depth];
    this.offsets = new int[depth];
    this.lengths = new int[depth];
    this.raw = new RawSocket(socket);
    raw.onRead(this::onRead);
    socket.drainHandler(v -> pump());
    socket.exceptionHandler(err -> fail(ErrorKind.IO, describe(err)));
    socket.closeHandler(v -> fail(ErrorKind.CLOSED, "the server closed the connection"
        + (inFlight > 0 ? " with " + inFlight + " message(s) in flight" : "")));
  }

  @Override
  public void start(RunPlan runPlan) {
    if (state != State.CONNECTED) {
      return;
    }
    state = State.RUNNING;
    plan = runPlan;
    quietSinceNanos = runPlan.startNanos();
    long total = options.messages();
    budget = total == 0 ? Long.MAX_VALUE : total / options.connections() + (index < total % options.connections() ? 1 : 0);
    if (options.openLoop()) {
      // The total rate is spread evenly: each connection sends every connections/rate seconds, their phases
      // staggered so that the sends of all connections do not come in bursts.
      intervalNanos = Math.max(1, TimeUnit.SECONDS.toNanos(options.connections()) / options.rate());
      nextSendNanos = runPlan.startNanos() + intervalNanos * index / options.connections();
    }
    pump();
  }

  @Override
  public void timeUp() {
    if (state == State.RUNNING) {
      stopSending();
    }
  }

  @Override
  public void checkStall(long now) {
    if (state != State.RUNNING || inFlight == 0 || receivedBytes != bytesAtLastCheck) {
      bytesAtLastCheck = receivedBytes;
      quietSinceNanos = now;
    } else if (now - quietSinceNanos >= TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis())) {
      fail(ErrorKind.IO, "no echo for " + options.timeoutMillis() + " ms with " + inFlight + " message(s) in flight");
    }
  }

  /** Sends while the pipeline has room, the socket takes more, and (open loop) a send is due. */
  private void pump() {
    while (state == State.RUNNING && !sendingOver && inFlight < depth && !socket.writeQueueFull()) {
      long now = System.nanoTime();
      if (now >= plan.measureEndNanos()) {
        stopSending();
        return;
      }
      long sendAt = now;
      if (intervalNanos > 0) {
        if (nextSendNanos > now) {
          schedulePump(nextSendNanos - now);
          return;
        }
        // Late sends keep their intended time: the wait counts as latency (coordinated-omission correction).
        sendAt = nextSendNanos;
        nextSendNanos += intervalNanos;
      }
      if (sendAt >= plan.measureStartNanos()) {
        if (budget == 0) {
          stopSending();
          return;
        }
        budget--;
      }
      send(sendAt);
    }
    // A full write queue resumes through the drain handler, a full pipeline when an echo completes.
  }

  private void send(long sendAt) {
    int size = options.sizeMin() + (sizeSpan > 1 ? random.nextInt(sizeSpan) : 0);
    int offset = random.nextInt(PayloadBlock.OFFSET_SPAN);
    int slot = head + inFlight < depth ? head + inFlight : head + inFlight - depth;
    sentAt[slot] = sendAt;
    offsets[slot] = offset;
    lengths[slot] = size;
    inFlight++;
    raw.write(block.slice(offset, size));
  }

  private void schedulePump(long delayNanos) {
    if (pacer == null) {
      pacer = raw.schedule(() -> {
        pacer = null;
        pump();
      }, delayNanos);
    }
  }

  /** Checks a chunk of echoed bytes against the messages in flight, oldest first; may span several messages. */
  private void onRead(ByteBuf chunk) {
    if (state == State.DONE) {
      return;
    }
    int at = chunk.readerIndex();
    int end = chunk.writerIndex();
    receivedBytes += end - at;
    while (at < end) {
      if (inFlight == 0) {
        fail(ErrorKind.MISMATCH, (end - at) + " bytes came back that were never sent");
        return;
      }
      int length = lengths[head];
      int n = Math.min(length - headReceived, end - at);
      int offset = offsets[head] + headReceived;
      if (!block.matches(chunk, at, offset, n)) {
        int d = block.firstDifference(chunk, at, offset, n);
        fail(ErrorKind.MISMATCH, String.format("byte %d of a %d-byte message differs: sent 0x%02x, received 0x%02x",
            headReceived + d, length, block.at(offset + d) & 0xff, chunk.getByte(at + d) & 0xff));
        return;
      }
      at += n;
      headReceived += n;
      if (headReceived == length) {
        completed(length);
      }
    }
    pump();
  }

  private void completed(int length) {
    long now = System.nanoTime();
    long sent = sentAt[head];
    stats.echoed(length);
    if (sent >= plan.measureStartNanos()) {
      stats.measured(length, now - sent, now);
    }
    head = head + 1 == depth ? 0 : head + 1;
    inFlight--;
    headReceived = 0;
    if (sendingOver && inFlight == 0) {
      finish();
    }
  }

  private void stopSending() {
    sendingOver = true;
    cancelPacer();
    if (inFlight == 0) {
      finish();
    }
  }

  /** The connection did all it had to: closes it without counting an error. */
  private void finish() {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    stats.closed();
    socket.close();
    onDone.run();
  }

  private void fail(ErrorKind kind, String detail) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    cancelPacer();
    stats.error(kind, "connection " + index + ": " + detail);
    stats.closed();
    socket.close();
    onDone.run();
  }

  /** A TLS failure (say, a refused client certificate) in the client's words, anything else as Netty put it. */
  private String describe(Throwable err) {
    String tls = TlsFailure.describe(err, options.peer());
    return tls != null ? tls : err.getMessage() != null ? err.getMessage() : err.toString();
  }

  private void cancelPacer() {
    if (pacer != null) {
      pacer.cancel(false);
      pacer = null;
    }
  }
}
