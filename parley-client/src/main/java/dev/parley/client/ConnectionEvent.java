package dev.parley.client;

import java.util.Locale;

/**
 * A change of {@link ConnectionState}, with why it happened.
 */
public final class ConnectionEvent {
  /** Why the state changed. */
  public enum Cause {
    /** The app called {@code connect()} or {@code reconnectNow()}. */
    REQUESTED,
    /** Retrying after a lost connection or a failed attempt. */
    RETRY,
    /** The server accepted the login. */
    LOGGED_IN,
    /** The connection could not be opened or closed before the login was answered. */
    CONNECT_FAILED,
    /** The server did not answer the login in time. */
    LOGIN_TIMEOUT,
    /** The server refused the login for a reason that retrying may cure (rate limit, overload). */
    LOGIN_REFUSED,
    /** The server refused the token or the protocol version: the app must act. */
    AUTH_FAILED,
    /** The connection closed or failed. */
    LINK_LOST,
    /** A heartbeat went unanswered: the connection was dead and has been dropped. */
    HEARTBEAT_TIMEOUT,
    /** The server is going away and asked for a reconnect later. */
    GO_AWAY,
    /** The session was ended by the server (Kicked); the client stays offline. */
    KICKED,
    /** The app logged out. */
    LOGGED_OUT,
    /** The app called {@code disconnect()} or {@code close()}. */
    DISCONNECTED,
    /** The app reported a new network; the old connection was dropped. */
    NETWORK_CHANGED
  }

  private final ConnectionState state;
  private final Cause cause;
  private final int failedAttempts;
  private final long retryInMillis;
  private final Throwable error;
  private final String sessionId;

  ConnectionEvent(ConnectionState state, Cause cause, int failedAttempts, long retryInMillis, Throwable error,
      String sessionId) {
    this.state = state;
    this.cause = cause;
    this.failedAttempts = failedAttempts;
    this.retryInMillis = retryInMillis;
    this.error = error;
    this.sessionId = sessionId;
  }

  /** The new state. */
  public ConnectionState state() {
    return state;
  }

  /** Why the state changed. */
  public Cause cause() {
    return cause;
  }

  /** Failed attempts in a row since the last login (0 after a login). */
  public int failedAttempts() {
    return failedAttempts;
  }

  /** For {@link ConnectionState#WAITING}: milliseconds until the next attempt. */
  public long retryInMillis() {
    return retryInMillis;
  }

  /** What went wrong, when something did: an I/O error or a {@link ParleyException}. */
  public Throwable error() {
    return error;
  }

  /** For {@link ConnectionState#ONLINE}: the server's session id. */
  public String sessionId() {
    return sessionId;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(state.name().toLowerCase(Locale.ROOT)).append(" (")
        .append(cause.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(')');
    if (state == ConnectionState.WAITING) {
      b.append(", retry in ").append(retryInMillis).append(" ms");
    }
    if (error != null) {
      b.append(": ").append(error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName());
    }
    return b.toString();
  }
}
