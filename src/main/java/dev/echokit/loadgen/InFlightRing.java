package dev.echokit.loadgen;

/**
 * The messages a stream connection (TCP or WebSocket) has in flight, oldest first, in fixed arrays so that the hot
 * path allocates nothing: when each was (meant to be) sent, where in the block, how long, and how much of the oldest
 * has come back.
 */
final class InFlightRing {

  private final int depth;
  private final long[] sentAt;
  private final int[] offsets;
  private final int[] lengths;
  private int head;
  private int size;
  /** Bytes of the oldest message already echoed. */
  private int headReceived;

  InFlightRing(int depth) {
    this.depth = depth;
    this.sentAt = new long[depth];
    this.offsets = new int[depth];
    this.lengths = new int[depth];
  }

  int size() {
    return size;
  }

  boolean full() {
    return size >= depth;
  }

  void add(long sendAt, int offset, int length) {
    int slot = head + size < depth ? head + size : head + size - depth;
    sentAt[slot] = sendAt;
    offsets[slot] = offset;
    lengths[slot] = length;
    size++;
  }

  long headSentAt() {
    return sentAt[head];
  }

  int headOffset() {
    return offsets[head];
  }

  int headLength() {
    return lengths[head];
  }

  int headReceived() {
    return headReceived;
  }

  /** {@code n} more bytes of the oldest message came back. */
  void received(int n) {
    headReceived += n;
  }

  /** The oldest message came back whole. */
  void removeHead() {
    head = head + 1 == depth ? 0 : head + 1;
    size--;
    headReceived = 0;
  }
}
