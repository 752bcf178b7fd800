package dev.parley.core.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every key the server knows: the core's and each module's. A key not in the schema is an error. */
public final class ConfigSchema {
  private final Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
  private final Map<String, ConfigKey<?>> byEnv = new LinkedHashMap<>();

  public ConfigSchema add(Collection<? extends ConfigKey<?>> keys) {
    for (ConfigKey<?> key : keys) {
      add(key);
    }
    return this;
  }

  public ConfigSchema add(ConfigKey<?> key) {
    ConfigKey<?> previous = byName.putIfAbsent(key.name(), key);
    if (previous != null && previous != key) {
      throw new IllegalStateException("config key declared twice: " + key.name());
    }
    ConfigKey<?> envClash = byEnv.putIfAbsent(key.envName(), key);
    if (envClash != null && envClash != key) {
      throw new IllegalStateException("config keys " + envClash + " and " + key + " share " + key.envName());
    }
    return this;
  }

  public ConfigKey<?> key(String name) {
    return byName.get(name);
  }

  public ConfigKey<?> keyForEnv(String envName) {
    return byEnv.get(envName);
  }

  public Collection<ConfigKey<?>> keys() {
    return Collections.unmodifiableCollection(byName.values());
  }

  /** Names of all keys, for "did you mean" hints. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
