package dev.echokit.loadgen;

import dev.echokit.client.TlsFailure;
import dev.echokit.config.LoadOptions;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.WebSocketInternal;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket's load, like {@link EchoConnection} for TCP: messages cut from the payload block, each sent as one
 * binary frame, at most {@code depth} in flight; each echo must come back as one binary message (in one frame or
 * several) of exactly the bytes sent, in order, and is timed. Everything here runs on the WebSocket's event loop.
 * Like {@link RawSocket} it uses two Vert.x internals: {@link BufferInternal} to send block slices and compare echoes
 * without copying, and {@link WebSocketInternal} for the channel's event loop, which times open-loop sends to the
 * nanosecond.
 */
final class WebSocketLoadConnection implements LoadConnection {

  private enum State { CONNECTED, RUNNING, DONE }

  private final int index;
  private final LoadOptions options;
  private final PayloadBlock block;
  private final WorkerStats stats;
  private final Runnable onDone;
  private final WebSocket ws;
  private final EventExecutor eventLoop;
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
  /** Bytes of the oldest message already echoed; above 0 only between the frames of one fragmented echo. */
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

  WebSocketLoadConnection(int index, LoadOptions options, PayloadBlock block, WorkerStats stats, long seed,
                          WebSocket ws, Runnable onDone) {
    if (!(ws instanceof WebSocketInternal internal)) {
      throw new IllegalStateException("this Vert.x version's WebSocket (" + ws.getClass().getName()
          + ") no longer implements WebSocketInternal: update dev.echokit.loadgen.WebSocketLoadConnection");
    }
    this.index = index;
    this.options = options;
    this.block = block;
    this.stats = stats;
    this.onDone = onDone;
    this.ws = ws;
    this.eventLoop = internal.channelHandlerContext().executor();
    this.random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    this.sizeSpan = options.sizeMax() - options.sizeMin() + 1;
    this.depth = options.depth();
    this.sentAt = new long[depth];
    this.offsets = new int[depth];
    this.lengths = new int[depth];
    ws.frameHandler(this::onFrame);
    ws.drainHandler(v -> pump());
    ws.exceptionHandler(err -> {
      // A connection that drops without a close frame is reported by the close handler.
      if (!(err instanceof HttpClosedException)) {
        String tls = TlsFailure.describe(err, options.peer(), options.host());
        fail(ErrorKind.IO, tls != null ? tls : String.valueOf(err.getMessage()));
      }
    });
    ws.closeHandler(v -> fail(ErrorKind.CLOSED, "the server closed the WebSocket"
        + (ws.closeStatusCode() == null ? "" : " (status " + ws.closeStatusCode() + ")")
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
      // The total rate is spread evenly, the connections' phases staggered so that sends do not come in bursts.
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

  /** Sends while the pipeline has room, the WebSocket takes more, and (open loop) a send is due. */
  private void pump() {
    while (state == State.RUNNING && !sendingOver && inFlight < depth && !ws.writeQueueFull()) {
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
  }

  private void send(long sendAt) {
    int size = options.sizeMin() + (sizeSpan > 1 ? random.nextInt(sizeSpan) : 0);
    int offset = random.nextInt(PayloadBlock.OFFSET_SPAN);
    int slot = head + inFlight < depth ? head + inFlight : head + inFlight - depth;
    sentAt[slot] = sendAt;
    offsets[slot] = offset;
    lengths[slot] = size;
    inFlight++;
    // One frame: the client's frame limit fits the largest message (see PeerDialer).
    ws.writeBinaryMessage(BufferInternal.buffer(block.slice(offset, size)));
  }

  private void schedulePump(long delayNanos) {
    if (pacer == null) {
      pacer = eventLoop.schedule(() -> {
        pacer = null;
        pump();
      }, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Checks one frame of an echo against the oldest message in flight; a message may come in several frames. */
  private void onFrame(WebSocketFrame frame) {
    WebSocketFrameType type = frame.type();
    if (state == State.DONE || type == WebSocketFrameType.PING || type == WebSocketFrameType.PONG
        || type == WebSocketFrameType.CLOSE) {
      // Control frames carry no echo; Vert.x answers pings and the close handler reports a close.
      return;
    }
    ByteBuf chunk = ((BufferInternal) frame.binaryData()).getByteBuf();
    int n = chunk.readableBytes();
    receivedBytes += n;
    if (inFlight == 0) {
      fail(ErrorKind.MISMATCH, "a " + n + "-byte message came back that was never sent");
      return;
    }
    if (type == WebSocketFrameType.TEXT) {
      fail(ErrorKind.MISMATCH, "a binary message came back as a text message");
      return;
    }
    int length = lengths[head];
    if (n > length - headReceived) {
      fail(ErrorKind.MISMATCH, "the echo of a " + length + "-byte message had more bytes than were sent");
      return;
    }
    int offset = offsets[head] + headReceived;
    if (!block.matches(chunk, chunk.readerIndex(), offset, n)) {
      int d = block.firstDifference(chunk, chunk.readerIndex(), offset, n);
      fail(ErrorKind.MISMATCH, String.format("byte %d of a %d-byte message differs: sent 0x%02x, received 0x%02x",
          headReceived + d, length, block.at(offset + d) & 0xff, chunk.getByte(chunk.readerIndex() + d) & 0xff));
      return;
    }
    headReceived += n;
    if (frame.isFinal()) {
      if (headReceived != length) {
        fail(ErrorKind.MISMATCH, "the echo of a " + length + "-byte message had " + headReceived + " bytes");
        return;
      }
      completed(length);
      pump();
    }
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
    ws.close();
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
    ws.close();
    onDone.run();
  }

  private void cancelPacer() {
    if (pacer != null) {
      pacer.cancel(false);
      pacer = null;
    }
  }
}
