package dev.parley.im.delivery;

import dev.parley.im.session.Router;
import dev.parley.im.session.Session;
import dev.parley.im.store.ImStore;
import dev.parley.im.wire.ErrorFrames;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Receipt;
import dev.parley.protocol.im.ReceiptType;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivered cursors from device acknowledgements: a direct conversation's other user hears at
 * once (a DELIVERED receipt), and the cursors are written to the store in one batch a second
 * rather than one write per ack. A cursor past the conversation's last message counts as its last
 * message; a cursor in a conversation the user is not in is answered {@code NOT_MEMBER}.
 */
public final class DeliveryCursors {
  private final Router router;
  private final ImStore store;
  /** Conversation to (user to delivered seq) not written yet; the inner maps change only inside compute. */
  private final ConcurrentHashMap<String, Map<String, Long>> pending = new ConcurrentHashMap<>();

  /** @param router reaches the other user of a direct conversation with its DELIVERED receipt */
  public DeliveryCursors(Router router, ImStore store) {
    this.router = router;
    this.store = store;
  }

  /** Event loop of {@code from}: its device acknowledged these cursors ({@code req} of the Ack). */
  public void acked(Session from, int req, Ack ack) {
    String user = from.user();
    for (Cursor c : ack.getCursorsList()) {
      String cid = c.getConversation();
      Ids.Type type = Ids.typeOf(cid);
      if (type == null || c.getSeq() <= 0) {
        continue;
      }
      switch (type) {
        case DIRECT -> {
          String[] pair = Ids.directUsers(cid);
          if (pair[0].equals(user) || pair[1].equals(user)) {
            clamped(from, user, cid, c.getSeq(), pair[0].equals(user) ? pair[1] : pair[0]);
          } else {
            notMember(from, req, cid);
          }
        }
        case GROUP -> store.groupMembers(cid).whenComplete((members, error) -> {
          if (error == null && members.contains(user)) {
            clamped(from, user, cid, c.getSeq(), null);
          } else if (error == null) {
            notMember(from, req, cid);
          }
        });
        default -> {
          if (cid.equals(Ids.system(user))) {
            clamped(from, user, cid, c.getSeq(), null);
          } else {
            notMember(from, req, cid);
          }
        }
      }
    }
  }

  private void clamped(Session from, String user, String cid, long seq, String peer) {
    store.lastSeq(cid).whenComplete((last, error) -> {
      if (error == null) {
        record(user, cid, Math.min(seq, last), peer);
      }
    });
  }

  private void record(String user, String cid, long seq, String peer) {
    if (seq <= 0) {
      return;
    }
    boolean[] moved = new boolean[1];
    // Inside the map's atomic update, so a flush taking the conversation's cursors cannot lose this one.
    pending.compute(cid, (k, users) -> {
      Map<String, Long> u = users == null ? new HashMap<>() : users;
      Long before = u.get(user);
      if (before == null || before < seq) {
        u.put(user, seq);
        moved[0] = true;
      }
      return u;
    });
    if (!moved[0] || peer == null) {
      return;
    }
    Frame receipt = Frame.newBuilder().setReceipt(Receipt.newBuilder().setConversation(cid).setUser(user)
        .setType(ReceiptType.RECEIPT_TYPE_DELIVERED).setSeq(seq)).build();
    router.sendToUser(peer, receipt);
  }

  private static void notMember(Session from, int req, String cid) {
    from.send(ErrorFrames.error(req, ErrorCode.ERROR_CODE_NOT_MEMBER,
        "not a member of " + cid + ": nothing to acknowledge there", 0));
  }

  /** Writes what accumulated since the last flush (called once a second and at shutdown). */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    Map<String, Map<String, Long>> batch = new HashMap<>();
    for (String cid : pending.keySet()) {
      Map<String, Long> users = pending.remove(cid);
      if (users != null && !users.isEmpty()) {
        batch.put(cid, users);
      }
    }
    if (!batch.isEmpty()) {
      store.markDelivered(batch);
    }
  }
}
