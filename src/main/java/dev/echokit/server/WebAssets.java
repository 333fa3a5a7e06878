package dev.echokit.server;

import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The browser page's files, read once from the classpath, with the WebSocket path written into the page. */
final class WebAssets {

  /** Where the files live in the jar. */
  static final String ROOT = "echokit/web/";
  /** The page names its WebSocket path with this marker; the listener puts the configured path in its place. */
  static final String WS_PATH_MARKER = "{{webSocketPath}}";

  /** One file as served: its media type and bytes. */
  record Asset(String contentType, Buffer body) {
  }

  private final Map<String, Asset> byPath;

  private WebAssets(Map<String, Asset> byPath) {
    this.byPath = byPath;
  }

  /** Reads the page and its script, style and icon; {@code webSocketPath} goes into the page, HTML-escaped. */
  static WebAssets load(String webSocketPath) {
    String page = read("index.html").replace(WS_PATH_MARKER, escapeHtml(webSocketPath));
    return new WebAssets(Map.of(
        "/", new Asset("text/html; charset=utf-8", Buffer.buffer(page)),
        "/app.js", new Asset("text/javascript; charset=utf-8", Buffer.buffer(read("app.js"))),
        "/style.css", new Asset("text/css; charset=utf-8", Buffer.buffer(read("style.css"))),
        // Linked from the page, so that browsers do not ask for /favicon.ico and log its 404.
        "/favicon.svg", new Asset("image/svg+xml", Buffer.buffer(read("favicon.svg")))));
  }

  /** The file served at {@code path}, or null. */
  Asset get(String path) {
    return byPath.get(path);
  }

  private static String read(String name) {
    try (InputStream in = WebAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + ROOT + name + " (a broken build?)");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Escapes a value for an HTML attribute: the path is configuration, but must never break out of its quotes. */
  static String escapeHtml(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
