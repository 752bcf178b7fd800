package dev.parley.im.delivery;

import dev.parley.im.session.Directory;
import dev.parley.im.session.Session;
import dev.parley.im.store.ImStore;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Receipt;
import dev.parley.protocol.im.ReceiptType;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivered cursors from device acknowledgements: a direct conversation's other user hears at
 * once (a DELIVERED receipt), and the cursors are written to the store in one batch a second
 * rather than one write per ack.
 */
public final class DeliveryCursors {
  private final Directory directory;
  private final ImStore store;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Long>> pending = new ConcurrentHashMap<>();

  public DeliveryCursors(Directory directory, ImStore store) {
    this.directory = directory;
    this.store = store;
  }

  /** Event loop: {@code user}'s device acknowledged these cursors. */
  public void acked(String user, Ack ack) {
    for (Cursor c : ack.getCursorsList()) {
      String cid = c.getConversation();
      if (Ids.typeOf(cid) == null || c.getSeq() <= 0) {
        continue;
      }
      Map<String, Long> users = pending.computeIfAbsent(cid, k -> new ConcurrentHashMap<>());
      Long before = users.get(user);
      if (before != null && before >= c.getSeq()) {
        continue;
      }
      users.merge(user, c.getSeq(), Math::max);
      if (Ids.typeOf(cid) == Ids.Type.DIRECT) {
        String[] pair = Ids.directUsers(cid);
        String peer = pair[0].equals(user) ? pair[1] : pair[1].equals(user) ? pair[0] : null;
        if (peer != null) {
          Frame receipt = Frame.newBuilder().setReceipt(Receipt.newBuilder().setConversation(cid).setUser(user)
              .setType(ReceiptType.RECEIPT_TYPE_DELIVERED).setSeq(c.getSeq())).build();
          for (Session s : directory.sessions(peer)) {
            s.send(receipt);
          }
        }
      }
    }
  }

  /** Writes what accumulated since the last flush (called once a second and at shutdown). */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    Map<String, Map<String, Long>> batch = new HashMap<>();
    for (String cid : pending.keySet()) {
      ConcurrentHashMap<String, Long> users = pending.remove(cid);
      if (users != null && !users.isEmpty()) {
        batch.put(cid, new HashMap<>(users));
      }
    }
    if (!batch.isEmpty()) {
      store.markDelivered(batch);
    }
  }
}
