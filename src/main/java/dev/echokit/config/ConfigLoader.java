package dev.echokit.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the layered configuration, lowest to highest: built-in defaults, the JSON file
 * ({@value #DEFAULT_FILE} or {@code ECHOKIT_CONFIG}), environment variables ({@code ECHOKIT_PORT}),
 * system properties ({@code -Dechokit.port}), then the launcher's {@code -conf} / deployment config.
 */
public final class ConfigLoader {

  public static final String DEFAULT_FILE = "conf/config.json";
  /** Names another config file; also accepted as {@code -Dechokit.config}. */
  public static final String FILE_ENV = "ECHOKIT_CONFIG";
  public static final String FILE_PROPERTY = "echokit.config";

  /** Every key any component reads: the file may hold server and client keys side by side. */
  public static final Set<String> KNOWN_KEYS = Settings.union(ServerOptions.KEYS, ClientOptions.KEYS, LoadOptions.KEYS,
      ReloadOptions.KEYS, Set.of(TransportChoice.KEY));

  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
  private static final Pattern JSON_LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

  private ConfigLoader() {
  }

  /** Loads all layers from this process's environment and system properties. */
  public static Future<Settings> load(Vertx vertx, JsonObject deploymentConfig) {
    return load(vertx, deploymentConfig, System.getenv(), System.getProperties());
  }

  /** Loads all layers; {@code env} and {@code sys} stand for the process environment and properties. */
  public static Future<Settings> load(Vertx vertx, JsonObject deploymentConfig, Map<String, String> env, Properties sys) {
    String path = filePath(env, sys);
    Future<JsonObject> file = path == null ? Future.succeededFuture(new JsonObject()) : readFile(vertx, path);
    return file.map(json -> layer(json, path, deploymentConfig, env, sys, true));
  }

  /**
   * The same layers, read on the calling thread without Vert.x: for choices made before Vert.x exists,
   * such as its transport. Unknown keys are left for {@link #load} to report.
   */
  public static Settings loadNow(JsonObject deploymentConfig) {
    String path = filePath(System.getenv(), System.getProperties());
    JsonObject json = new JsonObject();
    if (path != null) {
      try {
        json = new JsonObject(Files.readString(Path.of(path)));
      } catch (Exception err) {
        throw describeFileError(path, err);
      }
    }
    return layer(json, path, deploymentConfig, System.getenv(), System.getProperties(), false);
  }

  /** The config file this process reads (named or the default one), or null when there is none. */
  public static String configFile() {
    return filePath(System.getenv(), System.getProperties());
  }

  /** The config file to read, or null when none was named and the default one does not exist. */
  private static String filePath(Map<String, String> env, Properties sys) {
    String explicit = sys.getProperty(FILE_PROPERTY, env.get(FILE_ENV));
    if (explicit != null) {
      return explicit;
    }
    return Files.exists(Path.of(DEFAULT_FILE)) ? DEFAULT_FILE : null;
  }

  private static Settings layer(JsonObject file, String path, JsonObject deploymentConfig, Map<String, String> env,
                                Properties sys, boolean warnUnknown) {
    Settings settings = new Settings().overlay(file, path);
    overlayEnvironment(settings, env, warnUnknown);
    overlayProperties(settings, sys);
    settings.overlay(deploymentConfig == null ? new JsonObject() : deploymentConfig, "-conf");
    if (warnUnknown) {
      for (String unknown : settings.unknownKeys(KNOWN_KEYS)) {
        log.warn("unknown config key {} is ignored{}", unknown, suggestion(unknown));
      }
    }
    return settings;
  }

  private static Future<JsonObject> readFile(Vertx vertx, String path) {
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .setScanPeriod(-1)
        .addStore(new ConfigStoreOptions().setType("file").setFormat("json")
            .setConfig(new JsonObject().put("path", path))));
    return retriever.getConfig()
        .eventually(retriever::close)
        .recover(err -> Future.failedFuture(describeFileError(path, err)));
  }

  private static ConfigException describeFileError(String path, Throwable err) {
    if (err instanceof FileSystemException || err instanceof java.io.IOException
        || err.getCause() instanceof java.nio.file.NoSuchFileException) {
      return new ConfigException(path + ": cannot read the config file (" + rootMessage(err)
          + ") — check the path in " + FILE_ENV);
    }
    Matcher at = JSON_LOCATION.matcher(String.valueOf(err.getMessage()));
    if (at.find()) {
      return new ConfigException(path + ": invalid JSON at line " + at.group(1) + " column " + at.group(2));
    }
    return new ConfigException(path + ": not a JSON object (" + rootMessage(err) + ")");
  }

  private static void overlayEnvironment(Settings settings, Map<String, String> env, boolean warnUnknown) {
    Map<String, String> keyByEnv = new HashMap<>();
    KNOWN_KEYS.forEach(k -> keyByEnv.put(Settings.envName(k), k));
    env.forEach((name, value) -> {
      if (!name.startsWith(Settings.ENV_PREFIX) || name.equals(FILE_ENV)) {
        return;
      }
      String key = keyByEnv.get(name);
      if (key == null && warnUnknown) {
        log.warn("unknown environment variable {} is ignored{}", name, suggestion(name));
      } else if (key != null) {
        settings.put(key, value, "environment " + name);
      }
    });
  }

  private static void overlayProperties(Settings settings, Properties sys) {
    for (String name : sys.stringPropertyNames()) {
      if (name.startsWith(Settings.SYS_PREFIX) && !name.equals(FILE_PROPERTY)) {
        String key = name.substring(Settings.SYS_PREFIX.length());
        settings.put(key, sys.getProperty(name), "-D" + name);
      }
    }
  }

  /** " — did you mean port?" when a known key is within two edits of the unknown one. */
  private static String suggestion(String unknown) {
    String bare = unknown.replaceFirst(" \\(.*", "");
    String best = null;
    int bestDistance = 3;
    for (String key : KNOWN_KEYS) {
      String candidate = bare.startsWith(Settings.ENV_PREFIX) ? Settings.envName(key) : key;
      int d = editDistance(bare.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best == null ? "" : " — did you mean " + best + "?";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int swap = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + swap);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
