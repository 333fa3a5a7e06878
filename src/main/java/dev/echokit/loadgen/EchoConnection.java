package dev.echokit.loadgen;

import dev.echokit.client.TlsFailure;
import dev.echokit.config.LoadOptions;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.net.NetSocket;

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
  private final MessagePicker picker;
  private final InFlightRing inFlight;
  private final SendSchedule schedule = new SendSchedule();
  private final StallWatch stall = new StallWatch();

  private State state = State.CONNECTED;
  private boolean sendingOver;
  private ScheduledFuture<?> pacer;

  EchoConnection(int index, LoadOptions options, PayloadBlock block, WorkerStats stats, long seed, NetSocket socket,
                 Runnable onDone) {
    this.index = index;
    this.options = options;
    this.block = block;
    this.stats = stats;
    this.onDone = onDone;
    this.socket = socket;
    this.picker = new MessagePicker(options, seed, index);
    this.inFlight = new InFlightRing(options.depth());
    this.raw = new RawSocket(socket);
    raw.onRead(this::onRead);
    socket.drainHandler(v -> pump());
    socket.exceptionHandler(err -> fail(ErrorKind.IO, describe(err)));
    socket.closeHandler(v -> fail(ErrorKind.CLOSED, "the server closed the connection"
        + (inFlight.size() > 0 ? " with " + inFlight.size() + " message(s) in flight" : "")));
  }

  @Override
  public void start(RunPlan runPlan) {
    if (state != State.CONNECTED) {
      return;
    }
    state = State.RUNNING;
    stall.start(runPlan.startNanos());
    schedule.start(runPlan, options, index);
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
    if (stall.stalled(state == State.RUNNING && inFlight.size() > 0, now,
        TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis()))) {
      fail(ErrorKind.IO, "no echo for " + options.timeoutMillis() + " ms with " + inFlight.size()
          + " message(s) in flight");
    }
  }

  /** Sends while the pipeline has room, the socket takes more, and (open loop) a send is due. */
  private void pump() {
    while (state == State.RUNNING && !sendingOver && !inFlight.full() && !socket.writeQueueFull()) {
      long now = System.nanoTime();
      int next = schedule.next(now);
      if (next == SendSchedule.WAIT) {
        schedulePump(schedule.waitNanos(now));
        return;
      }
      if (next == SendSchedule.STOP) {
        stopSending();
        return;
      }
      send(schedule.sendAt());
    }
    // A full write queue resumes through the drain handler, a full pipeline when an echo completes.
  }

  private void send(long sendAt) {
    int size = picker.nextSize();
    int offset = picker.nextOffset();
    inFlight.add(sendAt, offset, size);
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
    stall.received(end - at);
    while (at < end) {
      if (inFlight.size() == 0) {
        fail(ErrorKind.MISMATCH, (end - at) + " bytes came back that were never sent");
        return;
      }
      int length = inFlight.headLength();
      int headReceived = inFlight.headReceived();
      int n = Math.min(length - headReceived, end - at);
      int offset = inFlight.headOffset() + headReceived;
      if (!block.matches(chunk, at, offset, n)) {
        int d = block.firstDifference(chunk, at, offset, n);
        fail(ErrorKind.MISMATCH, String.format("byte %d of a %d-byte message differs: sent 0x%02x, received 0x%02x",
            headReceived + d, length, block.at(offset + d) & 0xff, chunk.getByte(at + d) & 0xff));
        return;
      }
      at += n;
      inFlight.received(n);
      if (headReceived + n == length) {
        completed(length);
      }
    }
    pump();
  }

  private void completed(int length) {
    schedule.echoed(stats, length, inFlight.headSentAt());
    inFlight.removeHead();
    if (sendingOver && inFlight.size() == 0) {
      finish();
    }
  }

  private void stopSending() {
    sendingOver = true;
    cancelPacer();
    if (inFlight.size() == 0) {
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
    String tls = TlsFailure.describe(err, options.peer(), options.host());
    return tls != null ? tls : err.getMessage() != null ? err.getMessage() : err.toString();
  }

  private void cancelPacer() {
    if (pacer != null) {
      pacer.cancel(false);
      pacer = null;
    }
  }
}
