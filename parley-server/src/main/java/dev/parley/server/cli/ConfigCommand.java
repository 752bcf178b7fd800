package dev.parley.server.cli;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.kernel.Kernel;
import dev.parley.server.Modules;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parley config}: prints the effective configuration, secrets masked. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = {"Print the effective configuration, secrets masked.",
        "Sources in order: the file, PARLEY_* environment variables, flags."})
final class ConfigCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--describe", description = "Also print what each key does.")
  boolean describe;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Config config = options.load(Kernel.schema(Modules.discover()));
    PrintWriter out = spec.commandLine().getOut();
    if (options.effectiveFile() != null) {
      out.println("# config file: " + options.effectiveFile().toAbsolutePath());
    }
    for (ConfigKey<?> key : config.schema().keys()) {
      if (describe) {
        out.println("# " + key.description() + " (" + key.envName() + ")");
      }
      out.println(line(config, key));
    }
    out.flush();
    return ParleyCommand.OK;
  }

  static <T> String line(Config config, ConfigKey<T> key) {
    T value = config.get(key);
    String shown = value == null ? "" : key.display(value);
    String generated = CoreKeys.generatedSecretFile(key);
    if (value == null && generated != null) {
      // The server does not run without it: say where the secret in use is.
      Path file = config.get(CoreKeys.DATA_DIR).resolve(generated).toAbsolutePath().normalize();
      shown = Files.exists(file) ? "(generated, in " + file + ")" : "(unset: generated into " + file + " at the first start)";
    }
    String source = config.source(key).name().toLowerCase(Locale.ROOT);
    return key.name() + ": " + (shown.isEmpty() ? "\"\"" : shown) + "    # " + source;
  }
}
