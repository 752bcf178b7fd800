package dev.parley.mqtt.cluster;

import dev.parley.mqtt.message.AppMessage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clients' QoS 2 messages this node stored its subscribers' copies of, by publisher client
 * id and packet id, the {@value #KEPT} newest: a resend of one that was never PUBRECed (its first
 * try not confirmed by every node) is routed again, and a node that already has its copies
 * confirms it without storing them twice. A newer message with the same id replaces the older;
 * the message's topic and payload must match too, so a resend is not taken for an older
 * message that used the id. In memory only: after a restart a node may store a resend again.
 * Thread-safe.
 */
final class Qos2Seen {
  static final int KEPT = 65_536;

  private final Map<String, Long> seen = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > KEPT;
    }
  };

  /** This node's sessions have their copies of {@code m}, packet id {@code packetId} ({@code passedOn}: a share group's). */
  void stored(AppMessage m, int packetId, boolean passedOn) {
    if (m.origin() == null) {
      return;
    }
    String key = key(m, packetId, passedOn);
    synchronized (seen) {
      seen.remove(key);
      seen.put(key, digest(m));
    }
  }

  /** Whether this node stored the copies of {@code m}, packet id {@code packetId}, already. */
  boolean has(AppMessage m, int packetId, boolean passedOn) {
    if (m.origin() == null) {
      return false;
    }
    Long d;
    synchronized (seen) {
      d = seen.get(key(m, packetId, passedOn));
    }
    return d != null && d == digest(m);
  }

  private static String key(AppMessage m, int packetId, boolean passedOn) {
    return (passedOn ? "p" : "") + packetId + "/" + m.origin();
  }

  private static long digest(AppMessage m) {
    long h = m.topic().hashCode();
    h = h * 1_000_003L + Arrays.hashCode(m.payload());
    return h * 1_000_003L + m.payload().length;
  }

  int size() {
    synchronized (seen) {
      return seen.size();
    }
  }
}
