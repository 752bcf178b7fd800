package dev.parley.server.cli;

import dev.parley.core.config.Config;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.kernel.Kernel;
import dev.parley.core.spi.ParleyModule;
import dev.parley.server.Modules;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code parley start}: runs the server until SIGTERM or SIGINT, then stops gracefully and exits 0.
 * Its logs go to stdout (they are what a running server prints); a start that fails says why on
 * stderr and exits 2 (configuration) or 3 (a port in use).
 */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = {"Start the server (Ctrl-C or SIGTERM stops it gracefully). Logs go to stdout.",
        "Any config key is also a flag:", "  --http.port=8081 --im.tcp.port 7901"})
final class StartCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() {
    List<ParleyModule> modules = Modules.discover();
    Config config = options.load(Kernel.schema(modules));
    Logs.toStdout();
    Logs.level(config.get(CoreKeys.LOG_LEVEL));
    Kernel kernel = Kernel.start(config, modules);
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM and SIGINT run shutdown hooks: stop gracefully, then leave with 0, since stopping on
    // request is success (the JVM's own exit code would be 143 or 130).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kernel.stop();
      stopped.countDown();
      Logs.stop();
      Runtime.getRuntime().halt(0);
    }, "parley-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ParleyCommand.OK;
  }
}
