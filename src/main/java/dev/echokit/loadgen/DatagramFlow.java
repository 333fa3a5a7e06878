package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;

import java.util.concurrent.TimeUnit;

/**
 * One UDP socket's load: sends datagrams cut from the payload block, keeps at most {@code depth} of them in flight,
 * matches each echo to the oldest datagram in flight with the same bytes (UDP may reorder), times it, and counts a
 * datagram whose echo has not come back within the loss timeout as lost, then goes on. Runs on its event loop only.
 */
final class DatagramFlow {

  /**
   * Lost datagrams remembered per socket, so that an echo arriving after its loss timeout is recognised as late
   * (and ignored: it was counted lost) instead of failing the socket as a mismatch.
   */
  static final int REMEMBERED_LOST = 64;

  private final int index;
  private final LoadOptions options;
  private final PayloadBlock block;
  private final WorkerStats stats;
  private final Vertx vertx;
  private final DatagramSocket socket;
  private final String serverAddress;
  private final MessagePicker picker;
  private final SendSchedule schedule = new SendSchedule();
  private final int depth;
  private final long lossNanos;
  // Datagrams in flight, by slot: when each was meant to be sent (latency), when it went (loss), where in the block,
  // how long, and its send order (an echo is matched to the oldest datagram with its bytes).
  private final long[] sentAt;
  private final long[] wentAt;
  private final int[] offsets;
  private final int[] lengths;
  private final long[] order;
  private final boolean[] busy;
  private final int[] free;
  private int freeCount;
  private int inFlight;
  private long sends;
  // The last lost datagrams, as a ring of (offset, length).
  private final int[] lostOffsets = new int[REMEMBERED_LOST];
  private final int[] lostLengths = new int[REMEMBERED_LOST];
  private int lostRemembered;
  private int lostNext;

  private final FlowLife life;
  private long pacer = -1;

  DatagramFlow(int index, LoadOptions options, PayloadBlock block, WorkerStats stats, long seed, Vertx vertx,
               DatagramSocket socket, String serverAddress, Runnable onDone) {
    this.index = index;
    this.options = options;
    this.block = block;
    this.stats = stats;
    this.vertx = vertx;
    this.socket = socket;
    this.serverAddress = serverAddress;
    this.picker = new MessagePicker(options, seed, index);
    this.depth = options.depth();
    this.lossNanos = TimeUnit.MILLISECONDS.toNanos(options.peer().lossTimeoutMillis());
    this.sentAt = new long[depth];
    this.wentAt = new long[depth];
    this.offsets = new int[depth];
    this.lengths = new int[depth];
    this.order = new long[depth];
    this.busy = new boolean[depth];
    this.free = new int[depth];
    for (int slot = 0; slot < depth; slot++) {
      free[freeCount++] = slot;
    }
    this.life = new FlowLife(stats, "socket ", index, this::cancelPacer, socket::close, onDone);
    socket.handler(this::onDatagram);
  }

  /** Starts sending; the measured budget and the open-loop pacing are shared out as for TCP connections. */
  void start(RunPlan runPlan) {
    if (!life.start()) {
      return;
    }
    schedule.start(runPlan, options, index);
    pump();
  }

  /** The run's time is over: sends nothing more and finishes once every datagram in flight is echoed or lost. */
  void timeUp() {
    life.timeUp(inFlight);
  }

  /** Counts as lost every datagram in flight for the loss timeout, and sends in its place. */
  void checkLoss(long now) {
    if (!life.running()) {
      return;
    }
    for (int slot = 0; slot < depth; slot++) {
      if (busy[slot] && now - wentAt[slot] >= lossNanos) {
        stats.error(ErrorKind.LOST, "socket " + index + ": a " + lengths[slot] + "-byte datagram got no echo within "
            + options.peer().lossTimeoutMillis() + " ms");
        rememberLost(offsets[slot], lengths[slot]);
        release(slot);
      }
    }
    afterRelease();
  }

  /** Sends while fewer than {@code depth} datagrams are in flight and (open loop) a send is due. */
  private void pump() {
    while (life.sending() && inFlight < depth) {
      long now = System.nanoTime();
      int next = schedule.next(now);
      if (next == SendSchedule.WAIT) {
        schedulePump(schedule.waitNanos(now));
        return;
      }
      if (next == SendSchedule.STOP) {
        life.stopSending(inFlight);
        return;
      }
      send(schedule.sendAt());
    }
  }

  private void send(long sendAt) {
    int size = picker.nextSize();
    int offset = picker.nextOffset();
    int slot = free[--freeCount];
    busy[slot] = true;
    sentAt[slot] = sendAt;
    wentAt[slot] = System.nanoTime();
    offsets[slot] = offset;
    lengths[slot] = size;
    order[slot] = sends++;
    inFlight++;
    byte[] bytes = new byte[size];
    block.slice(offset, size).getBytes(0, bytes);
    socket.send(Buffer.buffer(bytes), options.port(), serverAddress)
        .onFailure(err -> life.fail(ErrorKind.IO, "send failed: " + err.getMessage()));
  }

  /**
   * Vert.x timers tick in milliseconds: a flow paced faster than that sends what is due in a burst, each datagram
   * still timed from its intended send time.
   */
  private void schedulePump(long delayNanos) {
    if (pacer == -1) {
      pacer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)), id -> {
        pacer = -1;
        pump();
      });
    }
  }

  private void onDatagram(DatagramPacket packet) {
    if (life.done() || packet.sender().port() != options.port()) {
      return;
    }
    ByteBuf echo = Unpooled.wrappedBuffer(packet.data().getBytes());
    int length = echo.readableBytes();
    int match = -1;
    for (int slot = 0; slot < depth; slot++) {
      if (busy[slot] && lengths[slot] == length && (match == -1 || order[slot] < order[match])
          && block.matches(echo, 0, offsets[slot], length)) {
        match = slot;
      }
    }
    if (match != -1) {
      completed(match, length);
    } else if (!late(echo, length)) {
      life.fail(ErrorKind.MISMATCH, mismatch(echo, length));
    }
  }

  private void completed(int slot, int length) {
    schedule.echoed(stats, length, sentAt[slot]);
    release(slot);
    afterRelease();
  }

  private void release(int slot) {
    busy[slot] = false;
    free[freeCount++] = slot;
    inFlight--;
  }

  private void afterRelease() {
    if (life.sendingOver()) {
      if (inFlight == 0) {
        life.finish();
      }
    } else {
      pump();
    }
  }

  private void rememberLost(int offset, int length) {
    lostOffsets[lostNext] = offset;
    lostLengths[lostNext] = length;
    lostNext = (lostNext + 1) % REMEMBERED_LOST;
    lostRemembered = Math.min(REMEMBERED_LOST, lostRemembered + 1);
  }

  /** Whether {@code echo} is the late echo of a datagram already counted lost. */
  private boolean late(ByteBuf echo, int length) {
    for (int i = 0; i < lostRemembered; i++) {
      if (lostLengths[i] == length && block.matches(echo, 0, lostOffsets[i], length)) {
        return true;
      }
    }
    return false;
  }

  /** With one datagram in flight, where the echo differs from it; otherwise what could not be matched. */
  private String mismatch(ByteBuf echo, int length) {
    if (inFlight == 1) {
      for (int slot = 0; slot < depth; slot++) {
        if (busy[slot]) {
          int common = Math.min(length, lengths[slot]);
          int d = block.firstDifference(echo, 0, offsets[slot], common);
          return d >= 0
              ? String.format("byte %d of a %d-byte datagram differs: sent 0x%02x, received 0x%02x", d, lengths[slot],
                  block.at(offsets[slot] + d) & 0xff, echo.getByte(d) & 0xff)
              : "a " + lengths[slot] + "-byte datagram came back as " + length + " bytes";
        }
      }
    }
    return "a " + length + "-byte datagram came back that matches none of the " + inFlight + " in flight";
  }

  private void cancelPacer() {
    if (pacer != -1) {
      vertx.cancelTimer(pacer);
      pacer = -1;
    }
  }
}
