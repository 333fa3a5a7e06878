package dev.echokit.embed;

import dev.echokit.client.ClientVerticle;
import dev.echokit.config.ClientOptions;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.ServerOptions;
import dev.echokit.server.EchoServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's embedding snippets, compiled and run here so they cannot drift from the code. */
class EmbeddingExampleTest {

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("the README's embedding snippet starts a server on a free port and an echo comes back")
  void embeddingSnippetRuns() {
    List<String> printed = new CopyOnWriteArrayList<>();
    // README:embed-start
    ServerOptions options = ServerOptions.fromJson(new JsonObject().put("port", 0).put("instances", 2))
        .withMetrics(MetricsOptions.OFF);     // no admin HTTP server (metrics, health) in a test
    EchoServerVerticle server = new EchoServerVerticle(options);
    vertx.deployVerticle(server).await();
    int port = server.actualPort();   // the free port it bound

    ClientVerticle client = new ClientVerticle(
        ClientOptions.defaults().withPort(port).withMessages(List.of("ping")), printed::add);
    vertx.deployVerticle(client).await();
    client.completion().await();      // fails with EchoException if a byte differs
    // README:embed-end
    assertThat(port).isPositive();
    assertThat(printed).containsExactly("Received ping");
  }

  @Test
  @DisplayName("the README's JSON-config snippet deploys through DeploymentOptions and reports its port")
  void deploymentOptionsSnippetRuns() {
    // README:json-start
    EchoServerVerticle server = new EchoServerVerticle();   // config: file < env < -D < this JSON
    vertx.deployVerticle(server, new DeploymentOptions()
        .setConfig(new JsonObject().put("host", "127.0.0.1").put("port", 0)
            .put("metrics", new JsonObject().put("port", 0)))).await();   // admin server on any free port
    int adminPort = server.adminPort();     // GET /metrics, /health/live, /health/ready
    int port = server.actualPort();
    // README:json-end
    assertThat(port).isPositive();
    assertThat(adminPort).isPositive();
    assertThat(server.options().host()).isEqualTo("127.0.0.1");
  }

  @Test
  @DisplayName("README.md shows both snippets exactly as compiled here")
  void readmeShowsTheSnippets() throws IOException {
    String source = Files.readString(Path.of("src/test/java/dev/echokit/embed/EmbeddingExampleTest.java"));
    String readme = Files.readString(Path.of("README.md"));
    for (String name : List.of("embed", "json")) {
      String snippet = between(source, "// README:" + name + "-start\n", "    // README:" + name + "-end");
      assertThat(readme).as("README.md snippet '%s'", name).contains(snippet);
    }
  }

  /** The lines between two markers, with the method-body indentation removed. */
  static String between(String text, String start, String end) {
    String body = text.substring(text.indexOf(start) + start.length(), text.indexOf(end));
    return body.lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip()).collect(Collectors.joining("\n"));
  }
}
