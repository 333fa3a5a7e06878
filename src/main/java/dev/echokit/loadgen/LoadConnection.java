package dev.echokit.loadgen;

/** One open connection of a load test, whatever carries it (TCP, TLS or a WebSocket); called on its event loop only. */
interface LoadConnection {

  /** Starts sending; does nothing if the connection has already failed. */
  void start(RunPlan plan);

  /** The run's time is over: sends nothing more and finishes once the messages in flight are back. */
  void timeUp();

  /** Fails the connection when messages are in flight and nothing has come back for the timeout. */
  void checkStall(long now);
}
