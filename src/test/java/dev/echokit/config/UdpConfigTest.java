package dev.echokit.config;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad UDP settings, from a real config file: each stops the start with one line naming the key. */
@ExtendWith(VertxExtension.class)
class UdpConfigTest {

  @TempDir
  Path dir;

  private void expectError(Vertx vertx, VertxTestContext ctx, String fileText, Function<Settings, ?> parse,
                           String message) throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), fileText);
    Properties sys = new Properties();
    sys.setProperty(ConfigLoader.FILE_PROPERTY, file.toString());
    ConfigLoader.load(vertx, null, Map.of(), sys).map(parse)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class).hasMessage(message.replace("FILE", file.toString()));
          assertThat(err.getMessage()).doesNotContain("\n");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a udp listener with 2 instances is refused, naming the entry and why one instance serves a UDP port")
  void udpWithTwoInstances(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"listeners\": [{\"protocol\": \"udp\", \"instances\": 2}]}", ServerOptions::from,
        "invalid listeners[0]: instances = 2, expected 1 — Vert.x does not spread one UDP port over several event "
            + "loops; add another udp listener on another port instead");
  }

  @ParameterizedTest(name = "udp.{0} = {1} is refused, naming the key and the range {2}")
  @CsvSource({
      "maxDatagramSize, 70000, from 1 to 65507",     // above what UDP carries over IPv4
      "maxDatagramSize, 0, from 1 to 65507",
      "datagramsPerSecond, -1, from 0 to 10000000",
      "minSourcePort, 70000, from 0 to 65535"})
  @DisplayName("a udp setting out of its range is refused, naming the key and the range")
  void outOfRange(String key, long value, String range, Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"listeners\": [{\"protocol\": \"udp\", \"udp\": {\"" + key + "\": " + value + "}}]}",
        ServerOptions::from, "invalid listeners[0].udp." + key + " = " + value + " (from FILE): expected a whole number "
            + range);
  }

  @Test
  @DisplayName("udp settings on a tcp listener are refused, naming the entry")
  void udpSettingsOnTcp(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"listeners\": [{\"protocol\": \"tcp\", \"udp\": {\"maxDatagramSize\": 512}}]}",
        ServerOptions::from, "invalid listeners[0]: a tcp listener takes none of the udp settings");
  }

  @Test
  @DisplayName("a bench over UDP with messages larger than a UDP datagram is refused, naming the key")
  void benchSizeAboveDatagram(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"bench\": {\"protocol\": \"udp\", \"sizeMin\": 70000}}", LoadOptions::from,
        "invalid bench.sizeMin = 70000 with protocol udp: expected at most 65507, the largest UDP datagram over IPv4");
  }
}
