package dev.parley.client;

import dev.parley.client.time.Cancellable;
import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Recall;
import dev.parley.protocol.im.Send;
import dev.parley.protocol.im.SendAck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Messages (and recalls) waiting for their SendAck. Each keeps its client id for life: it is
 * sent when the client is online, again after every login and whenever its SendAck is overdue,
 * and the server stores it once whatever the number of sends. It leaves the queue with its
 * SendAck (or the stored message arriving through sync), a refusal, or its deadline. I/O loop only.
 */
final class SendQueue {
  /** Client ids of messages acknowledged lately, to tell this device's messages when sync returns them. */
  private static final int RECENT = 10_000;

  private final Connection conn;
  private final LoopTimers timers;
  private final Listeners listeners;
  private final long resendAfterMillis;
  /** Where a message this device sent goes once stored: the receiver, which keeps order and cursors. */
  private final Consumer<Message> ownStored;
  private final Map<String, Entry> pending = new LinkedHashMap<>();
  private final Map<String, Boolean> recent = new LinkedHashMap<>(256, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > RECENT;
    }
  };

  SendQueue(Connection conn, LoopTimers timers, Listeners listeners, long resendAfterMillis,
      Consumer<Message> ownStored) {
    this.conn = conn;
    this.timers = timers;
    this.listeners = listeners;
    this.resendAfterMillis = resendAfterMillis;
    this.ownStored = ownStored;
  }

  /** One message on its way. */
  private final class Entry implements Requests.Caller {
    final String clientId;
    final Send send;
    final Recall recall;
    final CompletableFuture<Message> future;
    Cancellable deadline = Cancellable.NONE;
    Cancellable resend = Cancellable.NONE;
    int attempts;

    Entry(String clientId, Send send, Recall recall, CompletableFuture<Message> future) {
      this.clientId = clientId;
      this.send = send;
      this.recall = recall;
      this.future = future;
    }

    Frame.Builder frame() {
      return send != null ? Frame.newBuilder().setSend(send) : Frame.newBuilder().setRecall(recall);
    }

    @Override
    public void answered(Frame f) {
      if (pending.get(clientId) != this) {
        return;
      }
      if (f.hasSendAck()) {
        acked(this, f.getSendAck(), true);
      } else if (f.hasError()) {
        refused(this, f.getError());
      }
    }

    @Override
    public void lost() {
      resend.cancel();
    }
  }

  int size() {
    return pending.size();
  }

  /** Queues a message; sends it at once when online. */
  void add(String clientId, Send send, Recall recall, long deadlineMillis, CompletableFuture<Message> future) {
    if (pending.containsKey(clientId)) {
      listeners.fail(future, new IllegalArgumentException("client id " + clientId + " is already queued"));
      return;
    }
    Entry e = new Entry(clientId, send, recall, future);
    pending.put(clientId, e);
    e.deadline = timers.schedule(deadlineMillis, () -> expire(e, deadlineMillis));
    if (conn.isOnline()) {
      transmit(e);
    }
  }

  /** After a login: everything still waiting goes again, in the order it was queued. */
  void online() {
    for (Entry e : new ArrayList<>(pending.values())) {
      transmit(e);
    }
  }

  private void transmit(Entry e) {
    e.resend.cancel();
    e.attempts++;
    e.resend = timers.schedule(resendAfterMillis, () -> overdue(e));
    conn.send(e.frame(), e);
  }

  private void overdue(Entry e) {
    if (pending.get(e.clientId) != e || !conn.isOnline()) {
      return;
    }
    // No SendAck in time: the link may be dead without knowing it. Check it, and send again
    // meanwhile; the same client id makes a second copy harmless.
    conn.probe();
    transmit(e);
  }

  private void acked(Entry e, SendAck ack, boolean tellReceiver) {
    Message m = stored(e, ack);
    finish(e);
    if (tellReceiver) {
      ownStored.accept(m);
    }
    // Listeners first: once result() completes, onSent has been called (the callback executor keeps order).
    listeners.sent(m);
    listeners.complete(e.future, m);
  }

  private void refused(Entry e, Error err) {
    ErrorCode code = err.getCode();
    if (code == ErrorCode.ERROR_CODE_RATE_LIMITED || code == ErrorCode.ERROR_CODE_INTERNAL) {
      // Retryable with the same client id: try again after the server's hint.
      e.resend.cancel();
      long after = Math.max(err.getRetryAfterMs(), code == ErrorCode.ERROR_CODE_INTERNAL ? 1000 : 100);
      e.resend = timers.schedule(after, () -> {
        if (pending.get(e.clientId) == e && conn.isOnline()) {
          transmit(e);
        }
      });
      return;
    }
    finish(e);
    ParleyException ex = ParleyException.refused(err);
    listeners.failed(e.clientId, ex);
    listeners.fail(e.future, ex);
  }

  private void expire(Entry e, long deadlineMillis) {
    if (pending.get(e.clientId) != e) {
      return;
    }
    finish(e);
    recent.remove(e.clientId);
    ParleyException ex = ParleyException.of(ParleyException.Kind.DEADLINE_PASSED, "not acknowledged within "
        + deadlineMillis + " ms (" + e.attempts + " sends); it may still have been stored");
    listeners.failed(e.clientId, ex);
    listeners.fail(e.future, ex);
  }

  private void finish(Entry e) {
    pending.remove(e.clientId);
    recent.put(e.clientId, Boolean.TRUE);
    e.deadline.cancel();
    e.resend.cancel();
  }

  /**
   * Whether a stored message (from push or sync) is one this device sent. A message still waiting
   * for its SendAck is thereby acknowledged: its SendAck was lost with a connection.
   */
  boolean claim(Message m) {
    if (m.getClientId().isEmpty() || !m.getSender().equals(conn.userId())) {
      return false;
    }
    Entry e = pending.get(m.getClientId());
    if (e != null) {
      acked(e, SendAck.newBuilder().setClientId(e.clientId).setConversation(m.getConversation()).setSeq(m.getSeq())
          .setTimestamp(m.getTimestamp()).build(), false);
      return true;
    }
    return recent.containsKey(m.getClientId());
  }

  /** Fails every message (logout, close). */
  void failAll(ParleyException ex) {
    for (Entry e : new ArrayList<>(pending.values())) {
      finish(e);
      listeners.failed(e.clientId, ex);
      listeners.fail(e.future, ex);
    }
  }

  /** The message as stored, built from what was sent and its SendAck. */
  private Message stored(Entry e, SendAck ack) {
    Message.Builder m = Message.newBuilder().setConversation(ack.getConversation()).setSeq(ack.getSeq())
        .setSender(conn.userId()).setClientId(e.clientId).setTimestamp(ack.getTimestamp());
    if (e.send != null) {
      m.setKind(e.send.getKind()).setText(e.send.getText());
      if (e.send.hasCustom()) {
        m.setCustom(e.send.getCustom());
      }
    } else {
      m.setKind(MessageKind.MESSAGE_KIND_RECALL).setRecalledSeq(e.recall.getSeq());
    }
    return m.build();
  }
}
