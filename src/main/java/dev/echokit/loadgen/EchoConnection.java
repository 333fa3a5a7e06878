package dev.echokit.loadgen;

import dev.echokit.client.TlsFailure;
import dev.echokit.config.LoadOptions;
import io.netty.buffer.ByteBuf;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.TimeUnit;

/**
 * One connection's load: sends messages cut from the payload block, keeps at most {@code depth} of them in flight,
 * checks every echoed byte against the block as it arrives, and times each round trip. Everything here runs on the
 * connection's event loop.
 */
final class EchoConnection implements LoadConnection {

  private final int index;
  private final LoadOptions options;
  private final PayloadBlock block;
  private final WorkerStats stats;
  private final NetSocket socket;
  private final RawSocket raw;
  private final MessagePicker picker;
  private final InFlightRing inFlight;
  private final SendSchedule schedule = new SendSchedule();
  private final StallWatch stall = new StallWatch();

  private final NanoPacer pacer;
  private final FlowLife life;

  EchoConnection(int index, LoadOptions options, PayloadBlock block, WorkerStats stats, long seed, NetSocket socket,
                 Runnable onDone) {
    this.index = index;
    this.options = options;
    this.block = block;
    this.stats = stats;
    this.socket = socket;
    this.raw = new RawSocket(socket);
    this.picker = new MessagePicker(options, seed, index);
    this.inFlight = new InFlightRing(options.depth());
    this.pacer = new NanoPacer(raw.eventLoop(), this::pump);
    this.life = new FlowLife(stats, "connection ", index, pacer::cancel, socket::close, onDone);
    raw.onRead(this::onRead);
    socket.drainHandler(v -> pump());
    socket.exceptionHandler(err -> life.fail(ErrorKind.IO, describe(err)));
    socket.closeHandler(v -> life.fail(ErrorKind.CLOSED, "the server closed the connection"
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

  /** Sends while the pipeline has room, the socket takes more, and (open loop) a send is due. */
  private void pump() {
    while (life.sending() && !inFlight.full() && !socket.writeQueueFull()) {
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
    // A full write queue resumes through the drain handler, a full pipeline when an echo completes.
  }

  private void send(long sendAt) {
    int size = picker.nextSize();
    int offset = picker.nextOffset();
    inFlight.add(sendAt, offset, size);
    raw.write(block.slice(offset, size));
  }

  /** Checks a chunk of echoed bytes against the messages in flight, oldest first; may span several messages. */
  private void onRead(ByteBuf chunk) {
    if (life.done()) {
      return;
    }
    int at = chunk.readerIndex();
    int end = chunk.writerIndex();
    stall.received(end - at);
    while (at < end) {
      if (inFlight.size() == 0) {
        life.fail(ErrorKind.MISMATCH, (end - at) + " bytes came back that were never sent");
        return;
      }
      int length = inFlight.headLength();
      int headReceived = inFlight.headReceived();
      int n = Math.min(length - headReceived, end - at);
      int offset = inFlight.headOffset() + headReceived;
      if (!block.matches(chunk, at, offset, n)) {
        int d = block.firstDifference(chunk, at, offset, n);
        life.fail(ErrorKind.MISMATCH, String.format(
            "byte %d of a %d-byte message differs: sent 0x%02x, received 0x%02x",
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
    if (life.sendingOver() && inFlight.size() == 0) {
      life.finish();
    }
  }

  /** A TLS failure (say, a refused client certificate) in the client's words, anything else as Netty put it. */
  private String describe(Throwable err) {
    String tls = TlsFailure.describe(err, options.peer(), options.host());
    return tls != null ? tls : err.getMessage() != null ? err.getMessage() : err.toString();
  }
}
