package dev.parley.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The effective configuration: each key's default, overridden by the config file, then by
 * {@code PARLEY_*} environment variables, then by command-line flags. Immutable once loaded;
 * every problem is reported at once by {@link ConfigException}.
 */
public final class Config {
  /** Where a value came from, for {@code ./parley config}. */
  public enum Source { DEFAULT, FILE, ENV, FLAG, CODE }

  private final ConfigSchema schema;
  private final Map<String, Object> values;
  private final Map<String, Source> sources;

  private Config(ConfigSchema schema, Map<String, Object> values, Map<String, Source> sources) {
    this.schema = schema;
    this.values = values;
    this.sources = sources;
  }

  /** The value of {@code key}: its default when nothing set it (null for optional keys). */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (schema.key(key.name()) != key) {
      throw new IllegalArgumentException("key not in this server's schema: " + key);
    }
    return values.containsKey(key.name()) ? (T) values.get(key.name()) : key.defaultValue();
  }

  public Source source(ConfigKey<?> key) {
    return sources.getOrDefault(key.name(), Source.DEFAULT);
  }

  public ConfigSchema schema() {
    return schema;
  }

  /** The effective configuration as {@code key: value (source)} lines, secrets masked. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (ConfigKey<?> key : schema.keys()) {
      lines.add(line(key));
    }
    return lines;
  }

  private <T> String line(ConfigKey<T> key) {
    T value = get(key);
    String shown = value == null ? "(unset)" : key.display(value);
    return key.name() + ": " + shown + "   # " + source(key).name().toLowerCase(Locale.ROOT);
  }

  /** A copy of this config with some keys changed (for tests and for values derived at start). */
  public Config with(Map<String, ?> overrides) {
    Builder b = new Builder(schema);
    b.values.putAll(values);
    b.sources.putAll(sources);
    overrides.forEach((k, v) -> b.set(k, v, Source.CODE));
    return b.build();
  }

  public static Builder builder(ConfigSchema schema) {
    return new Builder(schema);
  }

  /**
   * Loads file, environment and flags. {@code file} may be null (no file). Unknown keys in the
   * file or flags and unknown {@code PARLEY_*} environment variables are errors (the launcher's
   * own variables, {@link #LAUNCHER_ENV}, are not config keys and are skipped).
   */
  public static Config load(ConfigSchema schema, Path file, Map<String, String> env, Map<String, String> flags) {
    Builder b = new Builder(schema);
    if (file != null) {
      b.file(file);
    }
    env.forEach((name, value) -> {
      if (!name.startsWith("PARLEY_") || LAUNCHER_ENV.contains(name)) {
        return;
      }
      ConfigKey<?> key = schema.keyForEnv(name);
      if (key == null) {
        String hint = suggestion(schema, name);
        b.problems.add("environment: " + name + " is not a config key " + (hint.isEmpty()
            ? "(a PARLEY_* variable sets one, like PARLEY_HTTP_PORT for http.port; unset it or fix its name)" : hint));
      } else {
        b.set(key.name(), value, Source.ENV);
      }
    });
    flags.forEach((name, value) -> b.set(name, value, Source.FLAG));
    return b.build();
  }

  private static String suggestion(ConfigSchema schema, String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : schema.names()) {
      String probe = name.startsWith("PARLEY_") ? ConfigKey.envName(candidate) : candidate;
      int d = distance(probe, name);
      if (d < bestDistance) {
        bestDistance = d;
        best = probe;
      }
    }
    return best != null && bestDistance <= Math.max(2, name.length() / 4) ? "(did you mean " + best + "?)" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Environment variables the launcher script ({@code ./parley}) reads itself; they are not config keys. */
  public static final Set<String> LAUNCHER_ENV = Set.of("PARLEY_CONFIG", "PARLEY_JAVA_OPTS",
      "PARLEY_JAR", "PARLEY_JAVA");

  /** Collects raw values, then parses and validates them all in {@link #build()}. */
  public static final class Builder {
    private final ConfigSchema schema;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, Object> raw = new LinkedHashMap<>();
    private final Map<String, Source> rawSources = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    Builder(ConfigSchema schema) {
      this.schema = schema;
    }

    /** Sets one key from a raw value (string, number, boolean or list). */
    public Builder set(String name, Object value) {
      return set(name, value, Source.CODE);
    }

    Builder set(String name, Object value, Source source) {
      if (schema.key(name) == null) {
        problems.add((describe(source) + "unknown key '" + name + "' " + suggestion(schema, name)).strip());
        return this;
      }
      raw.put(name, value);
      rawSources.put(name, source);
      return this;
    }

    Builder file(Path file) {
      Map<String, Object> tree;
      try {
        if (!Files.isReadable(file)) {
          problems.add("config file " + file + " cannot be read");
          return this;
        }
        String text = Files.readString(file);
        if (text.isBlank()) {
          return this;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = new ObjectMapper(new YAMLFactory()).readValue(text, Map.class);
        tree = parsed == null ? Map.of() : parsed;
      } catch (JsonProcessingException e) {
        problems.add("config file " + file + where(e.getLocation()) + " is not valid YAML: "
            + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse(""));
        return this;
      } catch (IOException | ClassCastException e) {
        problems.add("config file " + file + " is not a YAML mapping of keys: " + String.valueOf(e.getMessage())
            .lines().findFirst().orElse(""));
        return this;
      }
      flatten("", tree, Source.FILE);
      return this;
    }

    private static String where(JsonLocation at) {
      if (at == null || at.getLineNr() <= 0) {
        return "";
      }
      return ", line " + at.getLineNr() + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "");
    }

    private void flatten(String prefix, Map<?, ?> tree, Source source) {
      tree.forEach((k, v) -> {
        String name = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
        if (v instanceof Map<?, ?> m && schema.key(name) == null) {
          flatten(name, m, source);
        } else if (v != null) {
          set(name, v, source);
        }
      });
    }

    public Config build() {
      raw.forEach((name, value) -> {
        ConfigKey<?> key = schema.key(name);
        try {
          values.put(name, key.parse(value));
          sources.put(name, rawSources.get(name));
        } catch (IllegalArgumentException e) {
          problems.add(describe(rawSources.get(name)) + name + ": " + e.getMessage());
        }
      });
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      return new Config(schema, Map.copyOf(values), Map.copyOf(sources));
    }

    private static String describe(Source source) {
      switch (source) {
        case FILE:
          return "config file: ";
        case ENV:
          return "environment: ";
        case FLAG:
          return "command line: ";
        default:
          return "";
      }
    }
  }
}
