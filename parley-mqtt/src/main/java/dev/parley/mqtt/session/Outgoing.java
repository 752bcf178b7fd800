package dev.parley.mqtt.session;

import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.store.SessionStore;

/**
 * One message on its way to one session: queued, or in flight with a packet id. Owned by the
 * session's event loop once handed to it.
 */
public final class Outgoing {
  final AppMessage message;
  final int qos;
  final boolean retain;
  final int[] subscriptionIds;
  /** Row id in the store, 0 when the message is not stored (QoS 0 or a non-persistent session). */
  long storeId;
  int packetId;
  /** QoS 2: PUBREC received and PUBREL sent; only the PUBCOMP is missing. */
  boolean released;

  public Outgoing(AppMessage message, int qos, boolean retain, int[] subscriptionIds, long storeId) {
    this.message = message;
    this.qos = qos;
    this.retain = retain;
    this.subscriptionIds = subscriptionIds;
    this.storeId = storeId;
  }

  /** A message restored from the store after a restart. */
  public static Outgoing restored(AppMessage m, int qos, boolean retain, int[] subIds, long storeId, int packetId,
      boolean released) {
    Outgoing o = new Outgoing(m, qos, retain, subIds, storeId);
    o.packetId = packetId;
    o.released = released;
    return o;
  }

  public AppMessage message() {
    return message;
  }

  public int qos() {
    return qos;
  }

  public boolean retain() {
    return retain;
  }

  public int[] subscriptionIds() {
    return subscriptionIds;
  }

  public long storeId() {
    return storeId;
  }

  public int packetId() {
    return packetId;
  }

  public boolean released() {
    return released;
  }

  /** The message is done with (acknowledged, dropped or expired): its row, if stored, goes. */
  void forget(SessionStore store) {
    if (storeId != 0) {
      store.deleteQueued(storeId);
      storeId = 0;
    }
  }
}
