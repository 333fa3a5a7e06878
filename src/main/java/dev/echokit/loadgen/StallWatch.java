package dev.echokit.loadgen;

/** Notices a stream connection that waits for echoes while no byte comes back for the timeout. */
final class StallWatch {

  // Bytes received so far, as seen by the last check, and since when nothing came.
  private long receivedBytes;
  private long bytesAtLastCheck;
  private long quietSinceNanos;

  void start(long nowNanos) {
    quietSinceNanos = nowNanos;
  }

  void received(int n) {
    receivedBytes += n;
  }

  /** Whether nothing came for {@code timeoutNanos} while {@code waiting}; not waiting or a byte restarts the clock. */
  boolean stalled(boolean waiting, long now, long timeoutNanos) {
    if (!waiting || receivedBytes != bytesAtLastCheck) {
      bytesAtLastCheck = receivedBytes;
      quietSinceNanos = now;
      return false;
    }
    return now - quietSinceNanos >= timeoutNanos;
  }
}
