package dev.echokit.config;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  @DisplayName("udp.maxDatagramSize above what UDP carries over IPv4 is refused, naming the key and the range")
  void maxDatagramSizeTooLarge(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"listeners\": [{\"protocol\": \"udp\", \"udp\": {\"maxDatagramSize\": 70000}}]}",
        ServerOptions::from, "invalid listeners[0].udp.maxDatagramSize = 70000 (from FILE): expected a whole number "
            + "from 1 to 65507");
  }

  @Test
  @DisplayName("udp.maxDatagramSize 0 is refused, naming the key and the range")
  void maxDatagramSizeZero(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"listeners\": [{\"protocol\": \"udp\", \"udp\": {\"maxDatagramSize\": 0}}]}",
        ServerOptions::from, "invalid listeners[0].udp.maxDatagramSize = 0 (from FILE): expected a whole number "
            + "from 1 to 65507");
  }

  @Test
  @DisplayName("a negative udp.datagramsPerSecond is refused, naming the key and the range")
  void negativeRate(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"listeners\": [{\"protocol\": \"udp\", \"udp\": {\"datagramsPerSecond\": -1}}]}",
        ServerOptions::from, "invalid listeners[0].udp.datagramsPerSecond = -1 (from FILE): expected a whole number "
            + "from 0 to 10000000");
  }

  @Test
  @DisplayName("udp.minSourcePort above the highest port is refused, naming the key and the range")
  void minSourcePortOutOfRange(Vertx vertx, VertxTestContext ctx) throws IOException {
    expectError(vertx, ctx, "{\"listeners\": [{\"protocol\": \"udp\", \"udp\": {\"minSourcePort\": 70000}}]}",
        ServerOptions::from, "invalid listeners[0].udp.minSourcePort = 70000 (from FILE): expected a whole number "
            + "from 0 to 65535");
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
