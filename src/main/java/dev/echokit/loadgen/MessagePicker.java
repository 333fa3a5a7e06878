package dev.echokit.loadgen;

import dev.echokit.config.LoadOptions;

import java.util.SplittableRandom;

/** One connection's pseudo-random message sizes and block offsets: no two connections send the same stream. */
final class MessagePicker {

  private final SplittableRandom random;
  private final int sizeMin;
  private final int sizeSpan;

  MessagePicker(LoadOptions options, long seed, int index) {
    this.random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    this.sizeMin = options.sizeMin();
    this.sizeSpan = options.sizeMax() - options.sizeMin() + 1;
  }

  /** The next message's size; call before {@link #nextOffset()}, which keeps each connection's stream as it was. */
  int nextSize() {
    return sizeMin + (sizeSpan > 1 ? random.nextInt(sizeSpan) : 0);
  }

  /** Where in the payload block the next message starts. */
  int nextOffset() {
    return random.nextInt(PayloadBlock.OFFSET_SPAN);
  }
}
