package dev.echokit.cli;

import dev.echokit.client.ClientVerticle;
import dev.echokit.config.ClientOptions;
import dev.echokit.config.ConfigLoader;
import dev.echokit.config.ServerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./run.sh client}: send messages to an echo server and verify every echoed byte. */
@Command(name = "run.sh client", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Sends messages to an RFC 862 echo server and checks that every byte comes back in order.",
        "Flags override the config file, ECHOKIT_* variables and -Dechokit.* properties."})
public final class ClientCommand implements Callable<Integer> {

  @Mixin
  PeerFlags peer = new PeerFlags();

  @Parameters(paramLabel = "MESSAGE", description = "Messages to send, one at a time (default: \"Hello, server!\").")
  List<String> messages;

  @Option(names = "--host", description = "Server host (default: config host, else localhost).")
  String host;

  @Option(names = {"-p", "--port"}, description = "Server port (default: config port, else 12345).")
  Integer port;

  @Option(names = "--payload", paramLabel = "BYTES", description = "Send BYTES random bytes instead of messages and verify them.")
  Long payloadBytes;

  @Option(names = "--stdin", description = "Send each line of standard input and print its echo, like nc.")
  boolean stdin;

  @Option(names = "--timeout", paramLabel = "MS", description = "Longest wait for one echo, in ms (default: 10000).")
  Long timeoutMillis;

  @Option(names = "--connect-timeout", paramLabel = "MS", description = "Longest wait to connect, in ms (default: 5000).")
  Integer connectTimeoutMillis;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClientCommand()).execute(args));
  }

  @Override
  public Integer call() {
    Vertx vertx = Vertx.vertx();
    try {
      ClientOptions options = ConfigLoader.load(vertx, flags()).map(ClientOptions::from).await();
      ClientVerticle client = new ClientVerticle(options, System.out::println);
      vertx.deployVerticle(client).await();
      client.completion().await();
      return 0;
    } catch (Exception failure) {
      System.err.println(Launch.describe(failure));
      return Launch.exitCode(failure);
    } finally {
      vertx.close().await();
    }
  }

  /** The flags as the highest configuration layer. */
  private JsonObject flags() {
    JsonObject client = new JsonObject();
    if (messages != null && !messages.isEmpty()) {
      client.put("messages", new JsonArray(List.copyOf(messages)));
    }
    if (payloadBytes != null) {
      client.put("payloadBytes", payloadBytes);
    }
    if (stdin) {
      client.put("stdin", true);
    }
    if (timeoutMillis != null) {
      client.put("timeout", timeoutMillis);
    }
    if (connectTimeoutMillis != null) {
      client.put("connectTimeout", connectTimeoutMillis);
    }
    JsonObject flags = new JsonObject().put("client", peer.addTo(client));
    if (host != null) {
      flags.put(ServerOptions.HOST, host);
    }
    if (port != null) {
      flags.put(ServerOptions.PORT, port);
    }
    return flags;
  }
}
