package dev.parley.server.cli;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigException;
import dev.parley.core.config.ConfigSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Where the configuration comes from: a file, PARLEY_* variables, and {@code --key=value} flags. */
final class ConfigOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = {"Config file (YAML). Default: $PARLEY_CONFIG,", "else ./parley.yml if it exists."})
  Path file;

  @Parameters(paramLabel = "--KEY=VALUE", description = {"Any config key as a flag:", "  --http.port=8081"})
  List<String> overrides = new ArrayList<>();

  Path effectiveFile() {
    if (file != null) {
      return file;
    }
    String env = System.getenv("PARLEY_CONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path local = Path.of("parley.yml");
    return Files.exists(local) ? local : null;
  }

  Map<String, String> flags() {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < overrides.size(); i++) {
      String arg = overrides.get(i);
      if (!arg.startsWith("--")) {
        problems.add("command line: unexpected argument '" + arg + "' (config flags look like --http.port=8081)");
        continue;
      }
      String body = arg.substring(2);
      int eq = body.indexOf('=');
      if (eq >= 0) {
        out.put(body.substring(0, eq), body.substring(eq + 1));
      } else if (i + 1 < overrides.size() && !overrides.get(i + 1).startsWith("--")) {
        out.put(body, overrides.get(++i));
      } else {
        problems.add("command line: --" + body + " needs a value");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return out;
  }

  Config load(ConfigSchema schema) {
    return Config.load(schema, effectiveFile(), System.getenv(), flags());
  }
}
