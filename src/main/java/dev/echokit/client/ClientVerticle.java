package dev.echokit.client;

import dev.echokit.config.ClientOptions;
import dev.echokit.config.ConfigLoader;
import dev.echokit.config.PeerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Connects to an RFC 862 echo server (over TCP, TLS or a WebSocket), sends each message (or a random payload, or
 * standard input lines), checks that every byte comes back in order, and reports each verified echo; over UDP a
 * {@link DatagramClient} does the same with datagrams.
 */
public class ClientVerticle extends VerticleBase {

  /** The launcher listens here for the outcome: {@code {"ok": true}} or {@code {"ok": false, "error": "…"}}. */
  public static final String DONE_ADDRESS = "echokit.client.done";

  private final ClientOptions given;
  private final Consumer<String> out;
  private final Promise<Void> done = Promise.promise();
  /** Held for the verticle's life: Vert.x 5 closes a client that becomes unreachable, killing its connection. */
  private NetClient client;
  private Exchange exchange;
  private ClientOptions options;

  /** Reads the layered configuration and prints to standard output. */
  public ClientVerticle() {
    this(null, System.out::println);
  }

  /** Uses exactly these options; each verified echo is reported to {@code out}. */
  public ClientVerticle(ClientOptions options, Consumer<String> out) {
    this.given = options;
    this.out = out;
  }

  @Override
  public Future<?> start() {
    Future<ClientOptions> resolved = given != null
        ? Future.succeededFuture(given)
        : ConfigLoader.load(vertx, config()).map(ClientOptions::from);
    return resolved.compose(opts -> {
      if (opts.peer().transport() == PeerOptions.Transport.UDP) {
        DatagramClient udp = new DatagramClient(vertx, opts, out);
        return udp.open().onSuccess(v -> report(udp.run()));
      }
      return connect(opts).onSuccess(v -> run()).mapEmpty();
    });
  }

  /** Completes when every echo was verified; fails with a one-line {@link EchoException} otherwise. */
  public Future<Void> completion() {
    return done.future();
  }

  private Future<Exchange> connect(ClientOptions opts) {
    options = opts;
    TlsClientSettings tls = new TlsClientSettings(opts.peer());
    Future<Exchange> connected = opts.peer().transport() == PeerOptions.Transport.WS
        ? WebSocketExchange.connect(vertx, opts, tls)
        : connectTcp(opts, tls);
    return connected.onSuccess(e -> exchange = e);
  }

  private Future<Exchange> connectTcp(ClientOptions opts, TlsClientSettings tls) {
    client = vertx.createNetClient(tls.apply(new NetClientOptions()
        .setConnectTimeout(opts.connectTimeoutMillis())
        .setTcpNoDelay(true)));
    return client.connect(opts.port(), opts.host())
        .recover(err -> Future.failedFuture(TlsFailure.explain(EchoException.connectFailed(opts.host(), opts.port(),
            err), opts.peer(), opts.host(), opts.port())))
        .map(socket -> new EchoExchange(vertx, socket, opts.timeoutMillis()));
  }

  private void run() {
    report(sendAll(options)
        .recover(err -> Future.failedFuture(TlsFailure.explain(err, options.peer(), options.host(), options.port())))
        .eventually(exchange::close));
  }

  /** Completes {@link #completion()} with {@code outcome}, and tells the launcher. */
  private void report(Future<Void> outcome) {
    outcome.onComplete(done);
    done.future().onComplete(ar -> vertx.eventBus().publish(DONE_ADDRESS, ar.succeeded()
        ? new JsonObject().put("ok", true)
        : new JsonObject().put("ok", false).put("error", ar.cause().getMessage())));
  }

  private Future<Void> sendAll(ClientOptions opts) {
    if (opts.payloadBytes() > 0) {
      byte[] payload = new byte[(int) opts.payloadBytes()];
      ThreadLocalRandom.current().nextBytes(payload);
      long started = System.nanoTime();
      return exchange.roundTrip(Buffer.buffer(payload), false).onSuccess(v -> out.accept(String.format(
          "Received %d bytes, all verified (%.1f ms)", payload.length, (System.nanoTime() - started) / 1e6)));
    }
    if (opts.stdin()) {
      return stdinLines();
    }
    Future<Void> chain = Future.succeededFuture();
    for (String message : opts.messages()) {
      chain = chain.compose(v -> exchange.roundTrip(Buffer.buffer(message, "UTF-8"), true))
          .onSuccess(v -> out.accept("Received " + message));
    }
    return chain;
  }

  /** Sends each line read from standard input (with its newline) and prints the echo, like {@code nc}. */
  private Future<Void> stdinLines() {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    return nextLine(in);
  }

  private Future<Void> nextLine(BufferedReader in) {
    return vertx.executeBlocking(in::readLine, true).compose(line -> {
      if (line == null) {
        return Future.succeededFuture();
      }
      return exchange.roundTrip(Buffer.buffer(line + "\n", "UTF-8"), true)
          .onSuccess(v -> out.accept(line))
          .compose(v -> nextLine(in));
    });
  }
}
