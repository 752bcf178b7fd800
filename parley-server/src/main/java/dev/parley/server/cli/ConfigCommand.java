package dev.parley.server.cli;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.kernel.Kernel;
import dev.parley.server.Modules;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code parley config}: prints the effective configuration, secrets masked. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print the effective configuration (file, PARLEY_* environment, flags) with secrets masked.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--describe", description = "Also print what each key does.")
  boolean describe;

  @Override
  public Integer call() {
    Config config = options.load(Kernel.schema(Modules.discover()));
    if (options.effectiveFile() != null) {
      System.out.println("# config file: " + options.effectiveFile().toAbsolutePath());
    }
    for (ConfigKey<?> key : config.schema().keys()) {
      if (describe) {
        System.out.println("# " + key.description() + " (" + key.envName() + ")");
      }
      System.out.println(line(config, key));
    }
    return 0;
  }

  private static <T> String line(Config config, ConfigKey<T> key) {
    T value = config.get(key);
    String shown = value == null ? "" : key.display(value);
    String source = config.source(key).name().toLowerCase(java.util.Locale.ROOT);
    return key.name() + ": " + (shown.isEmpty() ? "\"\"" : shown) + "    # " + source;
  }
}
