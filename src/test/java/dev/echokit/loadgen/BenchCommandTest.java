package dev.echokit.loadgen;

import dev.echokit.cli.BenchCommand;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class BenchCommandTest {

  @TempDir
  Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  @Test
  @DisplayName("--help documents every option with its default")
  void help() {
    assertThat(run("--help")).isZero();
    String help = out.toString();
    for (String option : new String[] {"--host", "--port", "--connections", "--size", "--depth", "--duration",
        "--messages", "--warmup", "--rate", "--instances", "--timeout", "--connect-timeout", "--json", "--hgrm",
        "--quiet"}) {
      assertThat(help).contains(option);
    }
    assertThat(help).contains("(default: 50)", "(default: 1024)", "(default: 1)", "(default: 10,", "(default: 0)");
  }

  @Test
  @DisplayName("--json writes the summary with every documented field; --hgrm writes the percentile distribution")
  void jsonAndHgrm(Vertx vertx) throws Exception {
    NetServer server = new TestServers(vertx).echo().await();
    Path json = dir.resolve("summary.json");
    Path hgrm = dir.resolve("latency.hgrm");
    int code = run("--host", "127.0.0.1", "-p", String.valueOf(server.actualPort()), "-c", "3", "--size", "10-20",
        "--messages", "300", "--warmup", "0", "--instances", "2", "--quiet", "--json", json.toString(),
        "--hgrm", hgrm.toString());
    assertThat(code).as(err.toString()).isZero();
    JsonObject summary = new JsonObject(Files.readString(json));
    assertThat(summary.fieldNames()).contains("connections", "sizeMin", "sizeMax", "depth", "rate", "durationSeconds",
        "messages", "bytes", "msgPerSec", "mibPerSec", "latencyMicros", "connectMillis", "errors", "openConnections");
    assertThat(summary.getJsonObject("latencyMicros").fieldNames())
        .containsExactlyInAnyOrder("p50", "p90", "p99", "p999", "max", "mean");
    assertThat(summary.getJsonObject("connectMillis").fieldNames()).containsExactlyInAnyOrder("p50", "max");
    assertThat(summary.getJsonObject("errors").fieldNames())
        .containsExactlyInAnyOrder("mismatch", "closed", "io", "connect", "total");
    assertThat(summary.getLong("messages")).isEqualTo(300);
    assertThat(summary.getInteger("sizeMin")).isEqualTo(10);
    assertThat(summary.getInteger("sizeMax")).isEqualTo(20);
    assertThat(summary.getJsonObject("errors").getLong("total")).isZero();
    assertThat(Files.readString(hgrm)).contains("Value     Percentile TotalCount 1/(1-Percentile)", "#[Max     =");
    assertThat(out.toString()).contains("  messages     300  (");
  }

  @Test
  @DisplayName("errors make the exit code 1")
  void errorsExitOne() throws IOException {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(run("--host", "127.0.0.1", "-p", String.valueOf(port), "-c", "2", "--messages", "10", "--quiet"))
        .isEqualTo(1);
    assertThat(out.toString()).contains("errors       2  (mismatch 0, closed early 0, io 0, connect failures 2)");
  }

  @Test
  @DisplayName("a size that is not BYTES or MIN-MAX exits 2 and says what is expected")
  void badSize() {
    assertThat(run("--size", "big")).isEqualTo(2);
    assertThat(err.toString()).contains("'big' is not a size: expected BYTES or MIN-MAX, for example 1024 or 64-4096");
  }

  @Test
  @DisplayName("an out-of-range flag exits 2 and names the key and the range")
  void outOfRange() {
    assertThat(run("--depth", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("invalid bench.depth = 0 (from -conf): expected a whole number from 1 to 4096");
  }
}
