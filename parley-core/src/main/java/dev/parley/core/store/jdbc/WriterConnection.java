package dev.parley.core.store.jdbc;

import dev.parley.core.time.TimeSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit writer's connection and, for a database server, the way back to it. When a
 * batch fails because the connection is lost (SQLState class 08, the server shutting down, an
 * I/O error, or a connection that no longer answers), the connection is closed and the next one
 * is opened on the next batch, then at most once per backoff step ({@link #FIRST_RETRY} doubling
 * up to {@link #MAX_RETRY}, on the injected {@link TimeSource}); batches in between fail at once
 * with {@link StoreUnavailableException}. Each failed attempt schedules a wake-up of the writer
 * when the next is due, so the store comes back without traffic. Writer thread only, except
 * {@link #available()}. A fixed connection (SQLite's file) is never considered lost.
 */
final class WriterConnection {
  static final Duration FIRST_RETRY = Duration.ofMillis(200);
  static final Duration MAX_RETRY = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(WriterConnection.class);
  // PostgreSQL's admin_shutdown, crash_shutdown and cannot_connect_now: the server is going or not yet back.
  private static final Set<String> SERVER_GOING = Set.of("57P01", "57P02", "57P03");
  private static final int VALID_SECONDS = 2;

  private final GroupCommitWriter.Connector connector;
  private final TimeSource time;
  private final Consumer<Duration> wakeAfter;
  private Connection connection;
  private volatile boolean available = true;
  private long retryAt;
  private Duration backoff = FIRST_RETRY;
  private Throwable lastFailure;

  /**
   * {@code connector} null: {@code first} is never replaced. Else {@code wakeAfter} asks for the
   * writer to be woken after a delay (to retry connecting when nothing else wakes it).
   */
  WriterConnection(Connection first, GroupCommitWriter.Connector connector, TimeSource time,
      Consumer<Duration> wakeAfter) {
    this.connection = first;
    this.connector = connector;
    this.time = time;
    this.wakeAfter = wakeAfter;
  }

  /** Whether the writer holds a working connection (as far as the last batch showed). */
  boolean available() {
    return available;
  }

  /**
   * The connection for the next batch, opening a new one when the last was lost and an attempt is
   * due.
   *
   * @throws StoreUnavailableException while there is none
   */
  Connection current() {
    if (connection != null) {
      return connection;
    }
    long now = time.nanoTime();
    if (now - retryAt < 0) {
      throw unavailable();
    }
    try {
      Connection c = connector.open();
      c.setAutoCommit(false);
      connection = c;
      available = true;
      backoff = FIRST_RETRY;
      log.info("store: the writer is connected again");
      return c;
    } catch (SQLException e) {
      lastFailure = e;
      retryAt = now + backoff.toNanos();
      log.debug("store: reconnecting failed ({}); next attempt in {} ms", e.getMessage(), backoff.toMillis());
      wakeAfter.accept(backoff);
      Duration next = backoff.multipliedBy(2);
      backoff = next.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : next;
      throw unavailable();
    }
  }

  /** Tries to connect if the connection is lost and an attempt is due (a wake-up with no ops). */
  void retryIfDue() {
    if (connection == null) {
      try {
        current();
      } catch (StoreUnavailableException e) {
        // Still down; current() scheduled the next wake-up.
      }
    }
  }

  /**
   * Called after a batch failed and was rolled back: whether {@code failure} lost the connection.
   * If so the connection is closed, the next batch connects anew, and the caller fails every op of
   * the batch with {@link #unavailable(Throwable)}.
   */
  boolean lost(Throwable failure) {
    if (connector == null || connection == null) {
      return false;
    }
    if (!connectionFailure(failure) && answers()) {
      return false;
    }
    log.warn("store: the writer's connection is lost ({}); failing writes until it is back", failure.toString());
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing the lost connection: {}", e.getMessage());
    }
    connection = null;
    available = false;
    lastFailure = failure;
    retryAt = time.nanoTime();
    backoff = FIRST_RETRY;
    wakeAfter.accept(Duration.ZERO);
    return true;
  }

  /** The failure every op gets while there is no connection. */
  StoreUnavailableException unavailable(Throwable cause) {
    return new StoreUnavailableException("the store is unreachable: " + cause.getMessage(), cause);
  }

  private StoreUnavailableException unavailable() {
    return unavailable(lastFailure);
  }

  private boolean answers() {
    try {
      return !connection.isClosed() && connection.isValid(VALID_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  /** Whether {@code t} (or a cause) says the connection itself failed, not the statement. */
  static boolean connectionFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLNonTransientConnectionException || c instanceof SQLTransientConnectionException
          || c instanceof IOException) {
        return true;
      }
      if (c instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || SERVER_GOING.contains(s.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /** Closes the connection held, if any (the writer has stopped). */
  void close() {
    if (connection != null && connector != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the writer's connection: {}", e.getMessage());
      }
    }
  }
}
