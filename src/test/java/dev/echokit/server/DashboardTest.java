package dev.echokit.server;

import dev.echokit.config.ListenerOptions;
import dev.echokit.config.ListenerOptions.Protocol;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class DashboardTest {

  static final Path DASHBOARD = Path.of("conf/grafana-dashboard.json");
  static final Pattern METRIC = Pattern.compile("echokit_[a-z_]+");
  static final Pattern GROUPING = Pattern.compile("by \\(([a-z_, ]+)\\)");
  /** Labels Prometheus adds when it scrapes, so they are never in the scrape itself. */
  static final Set<String> TARGET_LABELS = Set.of("instance", "job");

  @Test
  @DisplayName("every metric and label the Grafana dashboard queries is in a real scrape of /metrics")
  void dashboardQueriesMatchAScrape(Vertx vertx, VertxTestContext ctx) throws Exception {
    List<String> exprs = new ArrayList<>();
    new JsonObject(Files.readString(DASHBOARD)).getJsonArray("panels").forEach(panel ->
        ((JsonObject) panel).getJsonArray("targets").forEach(t -> exprs.add(((JsonObject) t).getString("expr"))));
    // Every kind of meter: a tcp listener's and a udp listener's.
    EchoServerVerticle server = new EchoServerVerticle(MetricsTest.WITH_METRICS.withListeners(List.of(
        ListenerOptions.of(Protocol.TCP, "127.0.0.1", 0), ListenerOptions.of(Protocol.UDP, "127.0.0.1", 0))));
    vertx.deployVerticle(server).compose(id -> vertx.executeBlocking(() ->
        new AdminClient(server.adminPort()).get("/metrics").body())).onComplete(ctx.succeeding(scrape -> ctx.verify(() -> {
      assertThat(exprs).hasSize(7);
      for (String expr : exprs) {
        Matcher metric = METRIC.matcher(expr);
        assertThat(metric.find()).as("a metric in %s", expr).isTrue();
        List<String> samples = scrape.lines().filter(l -> l.startsWith(metric.group() + "{")
            || l.startsWith(metric.group() + " ")).toList();
        assertThat(samples).as("samples of %s", metric.group()).isNotEmpty();
        Matcher by = GROUPING.matcher(expr);
        while (by.find()) {
          for (String label : by.group(1).split(",\\s*")) {
            if (!TARGET_LABELS.contains(label)) {
              assertThat(samples).as("label %s of %s", label, metric.group()).allMatch(l -> l.contains(label + "=\""));
            }
          }
        }
      }
      ctx.completeNow();
    })));
  }
}
