package dev.parley.mqtt.session;

import java.util.HashSet;
import java.util.Set;

/**
 * Packet ids of QoS 2 messages the client sent that await its PUBREL (MQTT 4.3.3): a PUBLISH with
 * one of them again is a resend, not a new message. Written to the store while the session is
 * persistent. Created at the session's first inbound QoS 2 message. Home loop only.
 */
final class InboundQos2 {
  private final SessionHost host;
  private final long key;
  private final Set<Integer> awaitingRelease = new HashSet<>();

  InboundQos2(SessionHost host, long key) {
    this.host = host;
    this.key = key;
  }

  /** False when {@code packetId} already awaits PUBREL. */
  boolean start(int packetId, boolean persistent) {
    if (!awaitingRelease.add(packetId)) {
      return false;
    }
    if (persistent) {
      host.store().addInbound(key, packetId);
    }
    return true;
  }

  /** False when {@code packetId} was unknown. */
  boolean release(int packetId, boolean persistent) {
    if (!awaitingRelease.remove(packetId)) {
      return false;
    }
    if (persistent) {
      host.store().removeInbound(key, packetId);
    }
    return true;
  }

  /** An id loaded from the store. */
  void restore(int packetId) {
    awaitingRelease.add(packetId);
  }

  int size() {
    return awaitingRelease.size();
  }
}
