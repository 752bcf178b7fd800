package dev.parley.server.cli;

import dev.parley.core.auth.PublicKeys;
import dev.parley.core.auth.SecretFiles;
import dev.parley.core.auth.TokenService;
import dev.parley.core.config.Config;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.kernel.Kernel;
import dev.parley.core.config.Durations;
import dev.parley.server.Modules;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code parley token}: mints a user token offline with the server's signing secret. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Print a token for a user, signed with the server's secret (auth.jwt.secret or <data.dir>/jwt.secret).")
final class TokenCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = {"-u", "--user"}, required = true, description = "User id.")
  String user;

  @Option(names = "--ttl", defaultValue = "24h", description = "Lifetime, like 30m, 24h, 7d (default ${DEFAULT-VALUE}).")
  String ttl;

  @Override
  public Integer call() {
    Config config = options.load(Kernel.schema(Modules.discover()));
    String secret = config.get(CoreKeys.JWT_SECRET) != null ? config.get(CoreKeys.JWT_SECRET)
        : SecretFiles.loadOrCreate(config.get(CoreKeys.DATA_DIR), "jwt.secret", "token signing secret");
    TokenService tokens = new TokenService(secret, PublicKeys.load(config.get(CoreKeys.JWT_PUBLIC_KEYS)),
        config.get(CoreKeys.JWT_ISSUER), config.get(CoreKeys.JWT_CLOCK_SKEW), Clock.systemUTC());
    System.out.println(tokens.mint(user, Durations.parse(ttl)));
    return 0;
  }
}
