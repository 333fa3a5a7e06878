package dev.echokit.loadgen;

import dev.echokit.client.TlsFailure;
import dev.echokit.config.LoadOptions;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.WebSocketInternal;

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

  private final int index;
  private final LoadOptions options;
  private final PayloadBlock block;
  private final WorkerStats stats;
  private final WebSocket ws;
  private final EventExecutor eventLoop;
  private final MessagePicker picker;
  private final InFlightRing inFlight;
  private final SendSchedule schedule = new SendSchedule();
  private final StallWatch stall = new StallWatch();

  private final NanoPacer pacer;
  private final FlowLife life;

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
    this.ws = ws;
    this.eventLoop = internal.channelHandlerContext().executor();
    this.picker = new MessagePicker(options, seed, index);
    this.inFlight = new InFlightRing(options.depth());
    this.pacer = new NanoPacer(eventLoop, this::pump);
    this.life = new FlowLife(stats, "connection ", index, pacer::cancel, ws::close, onDone);
    ws.frameHandler(this::onFrame);
    ws.drainHandler(v -> pump());
    ws.exceptionHandler(err -> {
      // A connection that drops without a close frame is reported by the close handler.
      if (!(err instanceof HttpClosedException)) {
        String tls = TlsFailure.describe(err, options.peer(), options.host());
        life.fail(ErrorKind.IO, tls != null ? tls : String.valueOf(err.getMessage()));
      }
    });
    ws.closeHandler(v -> life.fail(ErrorKind.CLOSED, "the server closed the WebSocket"
        + (ws.closeStatusCode() == null ? "" : " (status " + ws.closeStatusCode() + ")")
        + (inFlight.size() > 0 ? " with " + inFlight.size() + " message(s) in flight" : "")));
  }

  @Override
  public void start(RunPlan runPlan) {
    if (!life.start()) {
      return;
    }
    stall.start(runPlan.startNanos());
    schedule.start(runPlan, options, index);
    pump();
  }

  @Override
  public void timeUp() {
    life.timeUp(inFlight.size());
  }

  @Override
  public void checkStall(long now) {
    if (stall.stalled(life.running() && inFlight.size() > 0, now,
        TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis()))) {
      life.fail(ErrorKind.IO, "no echo for " + options.timeoutMillis() + " ms with " + inFlight.size()
          + " message(s) in flight");
    }
  }

  /** Sends while the pipeline has room, the WebSocket takes more, and (open loop) a send is due. */
  private void pump() {
    while (life.sending() && !inFlight.full() && !ws.writeQueueFull()) {
      long now = System.nanoTime();
      int next = schedule.next(now);
      if (next == SendSchedule.WAIT) {
        pacer.schedule(schedule.waitNanos(now));
        return;
      }
      if (next == SendSchedule.STOP) {
        life.stopSending(inFlight.size());
        return;
      }
      send(schedule.sendAt());
    }
  }

  private void send(long sendAt) {
    int size = picker.nextSize();
    int offset = picker.nextOffset();
    inFlight.add(sendAt, offset, size);
    // One frame: the client's frame limit fits the largest message (see PeerDialer).
    ws.writeBinaryMessage(BufferInternal.buffer(block.slice(offset, size)));
  }

  /** Checks one frame of an echo against the oldest message in flight; a message may come in several frames. */
  private void onFrame(WebSocketFrame frame) {
    WebSocketFrameType type = frame.type();
    if (life.done() || type == WebSocketFrameType.PING || type == WebSocketFrameType.PONG
        || type == WebSocketFrameType.CLOSE) {
      // Control frames carry no echo; Vert.x answers pings and the close handler reports a close.
      return;
    }
    ByteBuf chunk = ((BufferInternal) frame.binaryData()).getByteBuf();
    int n = chunk.readableBytes();
    stall.received(n);
    if (inFlight.size() == 0) {
      life.fail(ErrorKind.MISMATCH, "a " + n + "-byte message came back that was never sent");
      return;
    }
    if (type == WebSocketFrameType.TEXT) {
      life.fail(ErrorKind.MISMATCH, "a binary message came back as a text message");
      return;
    }
    int length = inFlight.headLength();
    int headReceived = inFlight.headReceived();
    if (n > length - headReceived) {
      life.fail(ErrorKind.MISMATCH, "the echo of a " + length + "-byte message had more bytes than were sent");
      return;
    }
    int offset = inFlight.headOffset() + headReceived;
    if (!block.matches(chunk, chunk.readerIndex(), offset, n)) {
      int d = block.firstDifference(chunk, chunk.readerIndex(), offset, n);
      life.fail(ErrorKind.MISMATCH, String.format(
          "byte %d of a %d-byte message differs: sent 0x%02x, received 0x%02x",
          headReceived + d, length, block.at(offset + d) & 0xff, chunk.getByte(chunk.readerIndex() + d) & 0xff));
      return;
    }
    inFlight.received(n);
    headReceived += n;
    if (frame.isFinal()) {
      if (headReceived != length) {
        life.fail(ErrorKind.MISMATCH, "the echo of a " + length + "-byte message had " + headReceived + " bytes");
        return;
      }
      completed(length);
      pump();
    }
  }

  private void completed(int length) {
    schedule.echoed(stats, length, inFlight.headSentAt());
    inFlight.removeHead();
    if (life.sendingOver() && inFlight.size() == 0) {
      life.finish();
    }
  }
}
