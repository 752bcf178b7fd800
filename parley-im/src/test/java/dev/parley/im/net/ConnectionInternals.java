package dev.parley.im.net;

import dev.parley.im.session.Session;
import io.netty.channel.Channel;

/** Reaches into a live connection for tests outside this package. */
public final class ConnectionInternals {
  private ConnectionInternals() {}

  /** The channel of a session this node's transports made. */
  public static Channel channelOf(Session session) {
    return ((ImConnection) session).channel();
  }
}
