package dev.parley.server.cli;

import dev.parley.core.auth.PublicKeys;
import dev.parley.core.auth.SecretFiles;
import dev.parley.core.auth.TokenService;
import dev.parley.core.config.Config;
import dev.parley.core.config.Durations;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.kernel.Kernel;
import dev.parley.protocol.Ids;
import dev.parley.server.Modules;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code parley token}: mints a user token offline with the server's signing secret. Prints only the token. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Print a token for a user, signed with the server's secret",
        "(auth.jwt.secret, or the one generated in <data.dir>/jwt.secret)."})
final class TokenCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = {"-u", "--user"}, required = true, paramLabel = "USER", description = "User id.")
  String user;

  @Option(names = "--ttl", defaultValue = "24h", converter = TtlConverter.class, paramLabel = "DURATION",
      description = "Lifetime, like 30m, 24h, 7d (default ${DEFAULT-VALUE}).")
  Duration ttl;

  @Spec
  CommandSpec spec;

  /** Reads 30m, 24h, 7d; anything else is a usage error naming the forms. */
  static final class TtlConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d;
      try {
        d = Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a duration (like 30m, 24h, 7d)");
      }
      if (d.isNegative() || d.isZero()) {
        throw new TypeConversionException("'" + value + "' is not a lifetime (it must be longer than zero)");
      }
      return d;
    }
  }

  @Override
  public Integer call() {
    if (!Ids.isValidUser(user)) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--user': '" + user
          + "' is not a user id (1-64 letters, digits and _ . @ -)");
    }
    Config config = options.load(Kernel.schema(Modules.discover()));
    String secret = config.get(CoreKeys.JWT_SECRET) != null ? config.get(CoreKeys.JWT_SECRET)
        : SecretFiles.loadOrCreate(config.get(CoreKeys.DATA_DIR), CoreKeys.generatedSecretFile(CoreKeys.JWT_SECRET),
            "token signing secret");
    TokenService tokens = new TokenService(secret, PublicKeys.load(config.get(CoreKeys.JWT_PUBLIC_KEYS)),
        config.get(CoreKeys.JWT_ISSUER), config.get(CoreKeys.JWT_CLOCK_SKEW), Clock.systemUTC());
    PrintWriter out = spec.commandLine().getOut();
    out.println(tokens.mint(user, ttl));
    out.flush();
    return ParleyCommand.OK;
  }
}
