package dev.echokit.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Merged configuration as dotted keys ({@code metrics.port}), each remembering the layer that set it,
 * with typed getters that validate once and name the key, the layer and the allowed range.
 */
public final class Settings {

  static final String ENV_PREFIX = "ECHOKIT_";
  static final String SYS_PREFIX = "echokit.";

  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, String> origins = new LinkedHashMap<>();

  /** Settings from one JSON object, as an embedder or a test passes them. */
  public static Settings of(JsonObject json) {
    return new Settings().overlay(json, "config");
  }

  /** The environment variable that sets {@code key}: {@code metrics.port} → {@code ECHOKIT_METRICS_PORT}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** The Java system property that sets {@code key}: {@code metrics.port} → {@code echokit.metrics.port}. */
  public static String sysName(String key) {
    return SYS_PREFIX + key;
  }

  /** Lays {@code json} (nested objects become dotted keys) over what is already here. */
  public Settings overlay(JsonObject json, String origin) {
    flatten("", json, origin);
    return this;
  }

  /** Sets one key from a text value (an environment variable or system property). */
  public Settings put(String key, String text, String origin) {
    values.put(key, text);
    origins.put(key, origin);
    return this;
  }

  /** Keys present here that are not in {@code known}, each with the layer that set it. */
  public List<String> unknownKeys(Set<String> known) {
    List<String> unknown = new ArrayList<>();
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        unknown.add(key + " (" + origins.get(key) + ")");
      }
    }
    return unknown;
  }

  public Set<String> keys() {
    return Collections.unmodifiableSet(new TreeSet<>(values.keySet()));
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public String string(String key, String fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String) || ((String) v).isBlank()) {
      throw invalid(key, v, "a non-empty string");
    }
    return (String) v;
  }

  public int integer(String key, int fallback, int min, int max) {
    return (int) number(key, fallback, min, max);
  }

  public long number(String key, long fallback, long min, long max) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    long n;
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      n = ((Number) v).longValue();
    } else if (v instanceof String && ((String) v).trim().matches("-?\\d{1,18}")) {
      n = Long.parseLong(((String) v).trim());
    } else {
      throw invalid(key, v, "a whole number from " + min + " to " + max);
    }
    if (n < min || n > max) {
      throw invalid(key, v, "a whole number from " + min + " to " + max);
    }
    return n;
  }

  public boolean bool(String key, boolean fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean((String) v);
    }
    throw invalid(key, v, "true or false");
  }

  /** One of {@code allowed} (compared ignoring case), returned as written in {@code allowed}. */
  public String choice(String key, String fallback, List<String> allowed) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String) {
      for (String a : allowed) {
        if (a.equalsIgnoreCase(((String) v).trim())) {
          return a;
        }
      }
    }
    throw invalid(key, v, "one of " + String.join(", ", allowed));
  }

  /** A list of strings; from an environment variable or property, a JSON array or a single value. */
  public List<String> strings(String key, List<String> fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String && ((String) v).trim().startsWith("[")) {
      try {
        v = new JsonArray((String) v);
      } catch (DecodeException e) {
        throw invalid(key, v, "a JSON array of strings");
      }
    }
    if (v instanceof String) {
      return List.of((String) v);
    }
    if (v instanceof JsonArray) {
      List<String> out = new ArrayList<>();
      for (Object item : (JsonArray) v) {
        if (!(item instanceof String)) {
          throw invalid(key, v, "a list of strings");
        }
        out.add((String) item);
      }
      return List.copyOf(out);
    }
    throw invalid(key, v, "a list of strings");
  }

  /**
   * A list of JSON objects, each as its own settings whose keys carry {@code key[index].} in front, so that
   * errors name the entry ({@code listeners[1].port}); from an environment variable, a JSON array as text.
   */
  public List<Settings> objects(String key) {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String) {
      try {
        v = new JsonArray((String) v);
      } catch (DecodeException e) {
        throw invalid(key, v, "a JSON array of objects");
      }
    }
    if (!(v instanceof JsonArray)) {
      throw invalid(key, v, "a JSON array of objects");
    }
    List<Settings> out = new ArrayList<>();
    JsonArray array = (JsonArray) v;
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject)) {
        throw invalid(key, v, "a JSON array of objects");
      }
      Settings entry = new Settings();
      entry.flatten(key + "[" + i + "].", array.getJsonObject(i), origins.get(key));
      out.add(entry);
    }
    return List.copyOf(out);
  }

  /** All keys of several option records, for {@link ConfigLoader#KNOWN_KEYS} and records that nest others. */
  @SafeVarargs
  static Set<String> union(Set<String>... sets) {
    Set<String> all = new java.util.HashSet<>();
    for (Set<String> s : sets) {
      all.addAll(s);
    }
    return Set.copyOf(all);
  }

  /** An error for a value that is present but wrong; for checks that span several keys too. */
  public ConfigException invalid(String key, Object value, String allowed) {
    String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    return new ConfigException("invalid " + key + " = " + shown + " (from " + origins.get(key) + "): expected " + allowed);
  }

  private void flatten(String prefix, JsonObject json, String origin) {
    for (Map.Entry<String, Object> e : json) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof JsonObject) {
        flatten(key + ".", (JsonObject) e.getValue(), origin);
      } else {
        values.put(key, e.getValue());
        origins.put(key, origin);
      }
    }
  }
}
