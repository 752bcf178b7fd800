package dev.parley.core.net;

import java.util.Locale;

/**
 * A listener could not bind its address: the port is taken by another program, or the address or
 * port may not be used. Not a configuration error (the same config works once the port is free),
 * so the command line exits with its own code.
 */
public final class ListenerBindException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int port;
  private final boolean inUse;

  private ListenerBindException(String message, int port, boolean inUse, Throwable cause) {
    super(message, cause, false, false);
    this.port = port;
    this.inUse = inUse;
  }

  /**
   * The failure of listener {@code name} to bind {@code host:port}: "port 1883 (mqtt) is already
   * in use" when another socket holds it, else what the system said.
   */
  public static ListenerBindException of(String name, String host, int port, Throwable cause) {
    boolean inUse = false;
    String reason = null;
    for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.toLowerCase(Locale.ROOT).contains("already in use")) {
        inUse = true;
      }
      if (reason == null && m != null) {
        reason = m;
      }
    }
    String message = inUse
        ? "port " + port + " (" + name + ") is already in use on " + host + "; stop the program holding it or "
            + "choose another port"
        : name + " listener cannot bind " + host + ":" + port + ": " + (reason == null ? String.valueOf(cause) : reason);
    return new ListenerBindException(message, port, inUse, cause);
  }

  /** The port that could not be bound. */
  public int port() {
    return port;
  }

  /** Whether another socket holds the port. */
  public boolean inUse() {
    return inUse;
  }
}
