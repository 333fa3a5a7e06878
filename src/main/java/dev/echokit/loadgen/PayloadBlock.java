package dev.echokit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The bytes every message is cut from: one pseudo-random, direct, never-released block shared by all connections,
 * so a message goes out as a zero-copy slice and its expected echo is found again from its offset and length alone.
 */
final class PayloadBlock {

  /**
   * Messages start at a random offset below this: wide enough that an echo of the wrong message (stale, repeated or
   * from another connection) starts somewhere else in the block and fails verification.
   */
  static final int OFFSET_SPAN = 1 << 20;

  private final ByteBuf bytes;

  PayloadBlock(int maxSize, long seed) {
    byte[] random = new byte[OFFSET_SPAN + maxSize];
    new SplittableRandom(seed).nextBytes(random);
    ByteBuffer direct = ByteBuffer.allocateDirect(random.length).put(random).flip();
    // A wrapped JDK buffer is freed by the garbage collector once no slice refers to it, so a slice still queued
    // in a closing channel can never read freed memory; unreleasable because Netty releases what it has written.
    bytes = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
  }

  /** The message at {@code offset}, ready to write; the channel may release it, which leaves the block intact. */
  ByteBuf slice(int offset, int length) {
    return bytes.slice(offset, length);
  }

  /** Whether {@code length} bytes of {@code chunk} from {@code chunkIndex} equal the block from {@code offset}. */
  boolean matches(ByteBuf chunk, int chunkIndex, int offset, int length) {
    return ByteBufUtil.equals(chunk, chunkIndex, bytes, offset, length);
  }

  /** Position of the first byte that differs, relative to the start of the compared range; -1 when none does. */
  int firstDifference(ByteBuf chunk, int chunkIndex, int offset, int length) {
    for (int i = 0; i < length; i++) {
      if (chunk.getByte(chunkIndex + i) != bytes.getByte(offset + i)) {
        return i;
      }
    }
    return -1;
  }

  byte at(int offset) {
    return bytes.getByte(offset);
  }
}
