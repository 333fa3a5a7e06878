package dev.echokit.loadgen;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/** Wakes a stream connection's pump when its next open-loop send is due, to the nanosecond on its event loop. */
final class NanoPacer {

  private final EventExecutor eventLoop;
  /** Made once: a wake-up is scheduled per paced send, and should not cost an allocation each time. */
  private final Runnable wake;
  private ScheduledFuture<?> pending;

  NanoPacer(EventExecutor eventLoop, Runnable pump) {
    this.eventLoop = eventLoop;
    this.wake = () -> {
      pending = null;
      pump.run();
    };
  }

  /** Wakes the pump after {@code delayNanos}, unless a wake-up is already pending. */
  void schedule(long delayNanos) {
    if (pending == null) {
      pending = eventLoop.schedule(wake, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  void cancel() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }
}
