package dev.echokit.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A blocking WebSocket client for tests that run on a worker thread: send a text message, wait for its echo. */
final class TextWebSocket implements WebSocket.Listener {

  /** Ample for a loopback echo on a loaded machine; a missing echo fails the test rather than hanging it. */
  static final long ECHO_TIMEOUT_SECONDS = 10;

  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  static TextWebSocket open(int port) throws Exception {
    TextWebSocket client = new TextWebSocket();
    client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
        .get(ECHO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return client;
  }

  /** Sends {@code text} and returns the next message that comes back. */
  String echo(String text) throws Exception {
    socket.sendText(text, true).get(ECHO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    String echo = received.poll(ECHO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (echo == null) {
      throw new AssertionError("no echo of \"" + text + "\" within " + ECHO_TIMEOUT_SECONDS + " s");
    }
    return echo;
  }

  void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      received.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }
}
