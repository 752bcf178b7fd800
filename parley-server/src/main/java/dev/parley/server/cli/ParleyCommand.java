package dev.parley.server.cli;

import dev.parley.core.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parley}: the server's command line. */
@Command(name = "parley", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "One self-hosted server for real-time communication: IM, MQTT, live streaming, calls.",
    subcommands = {StartCommand.class, ConfigCommand.class, TokenCommand.class, ChatCommand.class,
        CommandLine.HelpCommand.class})
public final class ParleyCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line; returns the exit code (2 for configuration errors). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new ParleyCommand());
    // Config flags (--http.port=8081) are not declared options: they reach ConfigOptions as parameters.
    cli.setUnmatchedOptionsArePositionalParams(true);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException) {
        PrintWriter err = cmd.getErr();
        err.println("parley: " + e.getMessage());
        err.flush();
        return 2;
      }
      throw e;
    });
    return cli.execute(args);
  }
}
