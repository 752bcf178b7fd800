package dev.parley.server.cli;

import dev.parley.core.config.ConfigException;
import dev.parley.core.net.ListenerBindException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code parley}: the server's command line. Results go to stdout, messages and logs to stderr, so
 * {@code $(./parley token -u alice)} holds the token and nothing else.
 */
@Command(name = "parley", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "One self-hosted server for real-time communication: IM, MQTT, live streaming, calls.",
    subcommands = {StartCommand.class, ConfigCommand.class, TokenCommand.class, ChatCommand.class,
        MigrateCommand.class, VersionCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure", "2:bad command line or configuration", "3:a port is in use"})
public final class ParleyCommand implements Runnable {
  /** Success. */
  public static final int OK = 0;
  /** Anything else that went wrong. */
  public static final int FAILED = 1;
  /** A bad command line or configuration (picocli's own usage errors use 2 as well). */
  public static final int CONFIG_ERROR = 2;
  /** A listener could not bind: its port is taken (or may not be used). */
  public static final int BIND_ERROR = 3;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line on stdout and stderr; returns the exit code. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** Runs a command line printing to {@code out} (results) and {@code err} (messages); returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  private static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ParleyCommand());
    // Config flags (--http.port=8081) are not declared options: they reach ConfigOptions as parameters.
    cli.setUnmatchedOptionsArePositionalParams(true);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      int code;
      if (e instanceof ConfigException) {
        err.println("parley: " + e.getMessage());
        code = CONFIG_ERROR;
      } else if (e instanceof ListenerBindException) {
        err.println("parley: " + e.getMessage());
        code = BIND_ERROR;
      } else {
        // A person reads this: the reason, not a stack trace.
        err.println("parley " + cmd.getCommandName() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        code = FAILED;
      }
      err.flush();
      return code;
    });
    return cli;
  }
}
