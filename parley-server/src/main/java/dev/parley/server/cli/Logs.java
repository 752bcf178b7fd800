package dev.parley.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the server's logs go: stderr for one-shot commands (logback.xml), stdout for {@code start}. */
final class Logs {
  private Logs() {}

  /** Sends the console appender to stdout: a running server's logs are its output. */
  static void toStdout() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    for (Iterator<Appender<ILoggingEvent>> it = ctx.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        it.hasNext(); ) {
      if (it.next() instanceof ConsoleAppender<ILoggingEvent> console && !"System.out".equals(console.getTarget())) {
        console.stop();
        console.setTarget("System.out");
        console.start();
      }
    }
  }

  /** Parley's own log level ({@code log.level}). */
  static void level(String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger("dev.parley").setLevel(Level.toLevel(level, Level.INFO));
    }
  }

  /** Flushes and stops logging (before the process halts). */
  static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.stop();
    }
  }
}
