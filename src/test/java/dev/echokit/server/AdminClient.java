package dev.echokit.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking GETs against the admin server, and sums of Prometheus samples from a scrape. */
final class AdminClient {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  AdminClient(int port) {
    this.port = port;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The sum over all label sets of {@code name}, whose labels contain {@code labelPart} (e.g. {@code reason="x"}). */
  double sum(String name, String labelPart) throws IOException, InterruptedException {
    double total = 0;
    for (String line : get("/metrics").body().lines().toList()) {
      if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(labelPart)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  double sum(String name) throws IOException, InterruptedException {
    return sum(name, "");
  }
}
