package dev.echokit.loadgen;

/**
 * One load flow's life, for TCP, WebSocket and UDP alike: ready, running (sending, then only draining once sending is
 * over), and done exactly once, by finishing or failing, which closes it and tells its worker.
 */
final class FlowLife {

  private enum State { READY, RUNNING, DONE }

  private final WorkerStats stats;
  /** "connection " or "socket ": how error samples name the flow, before its index. */
  private final String noun;
  private final int index;
  private final Runnable cancelPacer;
  private final Runnable close;
  private final Runnable onDone;
  private State state = State.READY;
  private boolean sendingOver;

  FlowLife(WorkerStats stats, String noun, int index, Runnable cancelPacer, Runnable close, Runnable onDone) {
    this.stats = stats;
    this.noun = noun;
    this.index = index;
    this.cancelPacer = cancelPacer;
    this.close = close;
    this.onDone = onDone;
  }

  /** Starts running; false if the flow already failed (or started), so there is nothing to start. */
  boolean start() {
    if (state != State.READY) {
      return false;
    }
    state = State.RUNNING;
    return true;
  }

  boolean running() {
    return state == State.RUNNING;
  }

  boolean done() {
    return state == State.DONE;
  }

  /** Running and still sending. */
  boolean sending() {
    return state == State.RUNNING && !sendingOver;
  }

  boolean sendingOver() {
    return sendingOver;
  }

  /** The run's time is over: sends nothing more and finishes once nothing is in flight. */
  void timeUp(int inFlight) {
    if (state == State.RUNNING) {
      stopSending(inFlight);
    }
  }

  void stopSending(int inFlight) {
    sendingOver = true;
    cancelPacer.run();
    if (inFlight == 0) {
      finish();
    }
  }

  /** The flow did all it had to: closes it without counting an error. */
  void finish() {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    stats.closed();
    close.run();
    onDone.run();
  }

  void fail(ErrorKind kind, String detail) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    cancelPacer.run();
    stats.error(kind, noun + index + ": " + detail);
    stats.closed();
    close.run();
    onDone.run();
  }
}
