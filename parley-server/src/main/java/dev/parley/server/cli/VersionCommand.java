package dev.parley.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code parley version}: what {@code --version} prints, as a command. */
@Command(name = "version", mixinStandardHelpOptions = true,
    description = "Print the version, the commit it was built from and when.")
final class VersionCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (String line : new VersionProvider().getVersion()) {
      out.println(line);
    }
    out.flush();
    return ParleyCommand.OK;
  }
}
