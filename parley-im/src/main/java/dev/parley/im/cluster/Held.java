package dev.parley.im.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.im.session.KickPolicy;
import dev.parley.im.session.Session;

/**
 * A session as the bus holds it: under the key {@code im:u:<user>}, field = its session id, value =
 * {@code connectedAt|platform|deviceId} (the device id last: it may contain anything).
 */
record Held(String node, String sessionId, long connectedAt, int platform, String deviceId) {
  /** The bus key of a user's sessions. */
  static String key(String user) {
    return "im:u:" + user;
  }

  static String value(Session s) {
    return s.info().connectedAt() + "|" + s.platform().getNumber() + "|" + s.deviceId();
  }

  /** The entry read back; null when it is not one of ours. */
  static Held of(NodeBus.Held h) {
    String[] parts = h.value().split("\\|", 3);
    if (parts.length != 3) {
      return null;
    }
    try {
      return new Held(h.node(), h.field(), Long.parseLong(parts[0]), Integer.parseInt(parts[1]), parts[2]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether a login of {@code s} replaces this session under {@code policy}. */
  boolean replacedBy(Session s, KickPolicy policy) {
    return switch (policy) {
      case SAME_DEVICE -> deviceId.equals(s.deviceId());
      case SAME_PLATFORM -> platform == s.platform().getNumber();
      case NONE -> false;
    };
  }

  /** Of two sessions, which is older: by connection time, then node and id (the same answer on every node). */
  static int compare(long atA, String nodeA, String idA, long atB, String nodeB, String idB) {
    int c = Long.compare(atA, atB);
    if (c == 0) {
      c = nodeA.compareTo(nodeB);
    }
    return c != 0 ? c : idA.compareTo(idB);
  }
}
