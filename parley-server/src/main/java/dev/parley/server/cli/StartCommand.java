package dev.parley.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.parley.core.config.Config;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.kernel.Kernel;
import dev.parley.core.spi.ParleyModule;
import dev.parley.server.Modules;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code parley start}: runs the server until SIGTERM or SIGINT, then stops gracefully and exits 0. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = {"Start the server.", "Any config key can be given as a flag: --http.port=8081 --im.tcp.port 7901"})
final class StartCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() {
    List<ParleyModule> modules = Modules.discover();
    Config config = options.load(Kernel.schema(modules));
    applyLogLevel(config.get(CoreKeys.LOG_LEVEL));
    Kernel kernel = Kernel.start(config, modules);
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM and SIGINT run shutdown hooks: stop gracefully, then leave with 0, since stopping on
    // request is success (the JVM's own exit code would be 143 or 130).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kernel.stop();
      stopped.countDown();
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
        ctx.stop();
      }
      Runtime.getRuntime().halt(0);
    }, "parley-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static void applyLogLevel(String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger("dev.parley").setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
