package dev.echokit.loadgen;

/** What ended a connection early, or (lost datagrams) went wrong without ending it; the report counts each kind. */
public enum ErrorKind {

  /** An echoed byte differed from the byte sent, or bytes came back that were never sent. */
  MISMATCH("mismatch", "mismatch"),
  /** The server closed the connection before the run was over. */
  CLOSED("closed", "closed early"),
  /** The connection failed, or nothing came back for the timeout with messages in flight. */
  IO("io", "io"),
  /** The connection could not be opened (over UDP: the socket could not be bound, or the host not resolved). */
  CONNECT("connect", "connect failures"),
  /** Over UDP: a datagram whose echo did not come back within the loss timeout. Counted per datagram; the socket goes on. */
  LOST("lost", "lost datagrams");

  /** Field name in the JSON summary. */
  public final String key;
  /** Name in the text summary. */
  public final String label;

  ErrorKind(String key, String label) {
    this.key = key;
    this.label = label;
  }
}
