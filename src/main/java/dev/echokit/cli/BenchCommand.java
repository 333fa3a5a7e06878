package dev.echokit.cli;

import dev.echokit.config.ConfigLoader;
import dev.echokit.config.LoadOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.loadgen.LoadGenerator;
import dev.echokit.loadgen.LoadReport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./run.sh bench}: load an echo server over many connections, verify every echoed byte, report throughput and latency. */
@Command(name = "run.sh bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Loads an echo server over many connections, like tcpkali or vmbench's echo_client: checks every "
        + "echoed byte and reports messages/s, MiB/s, latency percentiles and errors.",
        "Flags override the config file (bench.* keys), ECHOKIT_* variables and -Dechokit.* properties.",
        "Exit status: 0 without errors, 1 when any error occurred, 2 for bad flags or config."})
public final class BenchCommand implements Callable<Integer> {

  @Mixin
  PeerFlags peer = new PeerFlags();

  @Spec
  CommandSpec spec;

  @Option(names = "--host", paramLabel = "HOST", description = "Server host (default: config host, else localhost).")
  String host;

  @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Server port (default: config port, else 12345).")
  Integer port;

  @Option(names = {"-c", "--connections"}, paramLabel = "N", description = "Concurrent connections (default: 50).")
  Integer connections;

  @Option(names = "--size", paramLabel = "BYTES|MIN-MAX", converter = SizeRange.Converter.class,
      description = "Message size in bytes, fixed or uniformly random per message in MIN-MAX (default: 1024).")
  SizeRange size;

  @Option(names = "--depth", paramLabel = "D",
      description = "Messages in flight per connection; 1 is request/response, more is pipelining (default: 1).")
  Integer depth;

  @Option(names = "--duration", paramLabel = "SECONDS",
      description = "Measured run time after the warm-up (default: 10, or no limit when --messages is given).")
  Long durationSeconds;

  @Option(names = "--messages", paramLabel = "N",
      description = "Stop after N measured messages in all (default: none; run for --duration).")
  Long messages;

  @Option(names = "--warmup", paramLabel = "SECONDS",
      description = "Load applied before measuring starts; excluded from the results (default: 1).")
  Long warmupSeconds;

  @Option(names = "--rate", paramLabel = "MSGS_PER_SEC",
      description = "0: closed loop, send when an echo returns. Above 0: open loop at this total rate, spread evenly "
          + "over the connections, latency from each intended send time, as wrk2 does (default: 0).")
  Long rate;

  @Option(names = "--instances", paramLabel = "N",
      description = "Event loops the connections are spread over, one NetClient each (default: available processors).")
  Integer instances;

  @Option(names = "--timeout", paramLabel = "MS",
      description = "A connection with messages in flight that receives nothing this long fails (default: 10000).")
  Long timeoutMillis;

  @Option(names = "--connect-timeout", paramLabel = "MS", description = "Longest wait to connect, in ms (default: 5000).")
  Integer connectTimeoutMillis;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON to FILE (default: none).")
  Path jsonFile;

  @Option(names = "--hgrm", paramLabel = "FILE",
      description = "Write HdrHistogram's latency percentile distribution, in microseconds, to FILE (default: none).")
  Path hgrmFile;

  @Option(names = "--quiet", description = "No progress line on standard error (default: a line every second).")
  boolean quiet;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int eventLoops = eventLoops(instances != null ? instances : LoadOptions.DEFAULT_INSTANCES);
    Vertx vertx = newVertx(eventLoops);
    try {
      LoadOptions options = ConfigLoader.load(vertx, flags()).map(LoadOptions::from).await();
      if (eventLoops(options.instances()) > eventLoops) {
        // The config file asks for more instances than this Vert.x has event loops: two would share one.
        vertx.close().await();
        vertx = newVertx(eventLoops(options.instances()));
      }
      LoadGenerator generator = new LoadGenerator(vertx, options);
      if (!quiet) {
        generator.onProgress(p -> {
          err.println(p.line());
          err.flush();
        });
      }
      LoadReport report = generator.run().await();
      out.print(report.summary());
      out.flush();
      writeFiles(report);
      return report.exitCode();
    } catch (Exception failure) {
      err.println(Launch.describe(failure));
      err.flush();
      return Launch.exitCode(failure);
    } finally {
      vertx.close().await();
    }
  }

  /** Enough event loops for one per instance, and native transport (epoll) when available, for less overhead. */
  private static Vertx newVertx(int eventLoops) {
    return Vertx.builder().with(new VertxOptions()
        .setEventLoopPoolSize(eventLoops)
        .setPreferNativeTransport(true)).build();
  }

  /** Vert.x's default pool (two per core) leaves room for the config loader's and the progress timer's contexts. */
  private static int eventLoops(int instances) {
    return Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, instances);
  }

  private void writeFiles(LoadReport report) throws IOException {
    if (jsonFile != null) {
      Files.writeString(jsonFile, report.toJson().encodePrettily() + System.lineSeparator());
    }
    if (hgrmFile != null) {
      try (PrintStream hgrm = new PrintStream(Files.newOutputStream(hgrmFile), false, StandardCharsets.UTF_8)) {
        report.writePercentiles(hgrm);
      }
    }
  }

  /** The flags as the highest configuration layer. */
  private JsonObject flags() {
    JsonObject bench = new JsonObject();
    putIfGiven(bench, "connections", connections);
    if (size != null) {
      bench.put("sizeMin", size.min()).put("sizeMax", size.max());
    }
    putIfGiven(bench, "depth", depth);
    putIfGiven(bench, "duration", durationSeconds);
    putIfGiven(bench, "messages", messages);
    putIfGiven(bench, "warmup", warmupSeconds);
    putIfGiven(bench, "rate", rate);
    putIfGiven(bench, "instances", instances);
    putIfGiven(bench, "timeout", timeoutMillis);
    putIfGiven(bench, "connectTimeout", connectTimeoutMillis);
    JsonObject flags = new JsonObject().put("bench", peer.addTo(bench));
    putIfGiven(flags, ServerOptions.HOST, host);
    putIfGiven(flags, ServerOptions.PORT, port);
    return flags;
  }

  private static void putIfGiven(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  /** {@code --size 1024} or {@code --size 64-4096}: the smallest and largest message size. */
  record SizeRange(int min, int max) {

    static final class Converter implements CommandLine.ITypeConverter<SizeRange> {

      @Override
      public SizeRange convert(String text) {
        String[] parts = text.trim().split("-", -1);
        try {
          if (parts.length == 1) {
            int n = Integer.parseInt(parts[0].trim());
            return new SizeRange(n, n);
          }
          if (parts.length == 2) {
            return new SizeRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
          }
        } catch (NumberFormatException e) {
          // Reported below, with the accepted forms.
        }
        throw new CommandLine.TypeConversionException("'" + text + "' is not a size: expected BYTES or MIN-MAX, "
            + "for example 1024 or 64-4096");
      }
    }
  }
}
