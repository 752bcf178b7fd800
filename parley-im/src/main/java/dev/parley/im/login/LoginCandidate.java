package dev.parley.im.login;

import dev.parley.im.session.Session;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Platform;
import java.net.InetAddress;

/** A connection that has not logged in yet, as the login needs it. Event loop of the connection only. */
public interface LoginCandidate {
  /** The client's IP address, or null when the connection has none. */
  InetAddress remoteIp();

  /** Answers {@code req} with an error and closes the connection. */
  void fail(int req, ErrorCode code, String message);

  /** Writes {@code last} and closes the connection. */
  void sendAndClose(Frame last);

  /**
   * The login succeeded: the connection becomes the session of {@code user} on {@code deviceId}
   * (its identity fixed from now on), to be kicked past {@code tokenValidUntil} (epoch millis).
   * Returns that session, not registered yet.
   */
  Session loggedIn(String user, String deviceId, Platform platform, long tokenValidUntil);
}
