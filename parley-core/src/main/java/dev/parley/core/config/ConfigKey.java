package dev.parley.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its dotted name (as written in parley.yml), its type, default and
 * limits. Environment variable: {@code PARLEY_} + the name upper-cased with dots and dashes as
 * underscores ({@code im.tcp.port} is {@code PARLEY_IM_TCP_PORT}); flag: {@code --im.tcp.port=7901}.
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {
  private final String name;
  private final String description;
  private final T defaultValue;
  private final Function<Object, T> parser;
  private final Function<T, String> formatter;
  private final boolean secret;

  private ConfigKey(String name, String description, T defaultValue, Function<Object, T> parser,
      Function<T, String> formatter, boolean secret) {
    if (!name.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*")) {
      throw new IllegalArgumentException("bad config key name: " + name);
    }
    this.name = name;
    this.description = Objects.requireNonNull(description);
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.formatter = formatter;
    this.secret = secret;
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  /** The default, or null when the key has none (optional keys). */
  public T defaultValue() {
    return defaultValue;
  }

  public boolean secret() {
    return secret;
  }

  /** The environment variable that sets this key. */
  public String envName() {
    return envName(name);
  }

  static String envName(String key) {
    return "PARLEY_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Parses a raw value (a string from env or flags, or a YAML scalar or list). */
  public T parse(Object raw) {
    return parser.apply(raw);
  }

  /** The value as it would be written in the config file; secrets are masked. */
  public String display(T value) {
    if (value == null) {
      return "";
    }
    if (secret) {
      return "****";
    }
    return formatter.apply(value);
  }

  @Override
  public String toString() {
    return name;
  }

  // -------------------------------------------------------------------------------------------
  // Factories

  public static ConfigKey<Integer> port(String name, int defaultPort, String description) {
    return new ConfigKey<>(name, description, defaultPort, raw -> {
      int port = parseInt(raw);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(raw + " is not a port (0-65535, 0 picks a free one)");
      }
      return port;
    }, String::valueOf, false);
  }

  public static ConfigKey<Integer> integer(String name, int defaultValue, int min, int max, String description) {
    return new ConfigKey<>(name, description, defaultValue, raw -> {
      int v = parseInt(raw);
      if (v < min || v > max) {
        throw new IllegalArgumentException(raw + " is outside " + min + ".." + max);
      }
      return v;
    }, String::valueOf, false);
  }

  public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String description) {
    return new ConfigKey<>(name, description, defaultValue, raw -> {
      if (raw instanceof Boolean b) {
        return b;
      }
      String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
      switch (s) {
        case "true": case "yes": case "on": case "1":
          return true;
        case "false": case "no": case "off": case "0":
          return false;
        default:
          throw new IllegalArgumentException(raw + " is not a boolean (true or false)");
      }
    }, String::valueOf, false);
  }

  /** A string; {@code defaultValue} may be null for optional keys. */
  public static ConfigKey<String> string(String name, String defaultValue, String description) {
    return new ConfigKey<>(name, description, defaultValue, raw -> scalar(raw), s -> s, false);
  }

  /** A string that is never printed (passwords, signing secrets). */
  public static ConfigKey<String> secret(String name, String description) {
    return new ConfigKey<>(name, description, null, raw -> scalar(raw), s -> s, true);
  }

  public static ConfigKey<Path> path(String name, String defaultValue, String description) {
    return new ConfigKey<>(name, description, defaultValue == null ? null : Path.of(defaultValue),
        raw -> Path.of(scalar(raw)), Path::toString, false);
  }

  /** A duration written as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}. */
  public static ConfigKey<Duration> duration(String name, Duration defaultValue, Duration min, Duration max,
      String description) {
    return new ConfigKey<>(name, description, defaultValue, raw -> {
      Duration d = Durations.parse(scalar(raw));
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(raw + " is outside " + Durations.format(min) + ".." + Durations.format(max));
      }
      return d;
    }, Durations::format, false);
  }

  /** A size in bytes written as {@code 1024}, {@code 64KiB}, {@code 4MiB}, {@code 1GiB}. */
  public static ConfigKey<Long> size(String name, long defaultValue, long min, long max, String description) {
    return new ConfigKey<>(name, description, defaultValue, raw -> {
      long v = Sizes.parse(scalar(raw));
      if (v < min || v > max) {
        throw new IllegalArgumentException(raw + " is outside " + Sizes.format(min) + ".." + Sizes.format(max));
      }
      return v;
    }, Sizes::format, false);
  }

  /** One of an enum's constants, written in lower case with dashes ({@code SAME_DEVICE} is {@code same-device}). */
  public static <E extends Enum<E>> ConfigKey<E> choice(String name, Class<E> type, E defaultValue, String description) {
    return new ConfigKey<>(name, description, defaultValue, raw -> {
      String s = scalar(raw).trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(s)) {
          return e;
        }
      }
      List<String> allowed = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        allowed.add(display(e));
      }
      throw new IllegalArgumentException(raw + " is not one of " + allowed);
    }, ConfigKey::display, false);
  }

  /** A list: a YAML list, or a comma-separated string from env or flags. */
  public static ConfigKey<List<String>> list(String name, List<String> defaultValue, String description) {
    return new ConfigKey<>(name, description, defaultValue, raw -> {
      List<String> out = new ArrayList<>();
      if (raw instanceof List<?> l) {
        for (Object o : l) {
          out.add(scalar(o));
        }
      } else {
        for (String s : scalar(raw).split(",")) {
          if (!s.isBlank()) {
            out.add(s.trim());
          }
        }
      }
      return List.copyOf(out);
    }, l -> String.join(",", l), false);
  }

  private static String display(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String scalar(Object raw) {
    if (raw instanceof List<?> || raw instanceof Map<?, ?>) {
      throw new IllegalArgumentException("expected a single value, not " + raw);
    }
    return String.valueOf(raw);
  }

  private static int parseInt(Object raw) {
    if (raw instanceof Integer i) {
      return i;
    }
    try {
      return Integer.parseInt(scalar(raw).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(raw + " is not a whole number");
    }
  }
}
