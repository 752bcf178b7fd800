package dev.parley.im.delivery;

import dev.parley.im.ImService;
import dev.parley.im.net.ImConnection;
import dev.parley.im.net.OutFrame;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Push;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Messages pushed to one connection and not yet acknowledged, per conversation in seq order.
 * Overdue ones are pushed again (same seq: the device drops what it already has) while the
 * connection lives; past the unacked cap the connection is a slow consumer. Event loop only.
 */
public final class Unacked {
  private static final class Pending {
    final Message message;
    long pushedAt;

    Pending(Message message, long pushedAt) {
      this.message = message;
      this.pushedAt = pushedAt;
    }
  }

  private final ImConnection connection;
  private final ImService im;
  private final Map<String, ArrayDeque<Pending>> byConversation = new HashMap<>();
  private int count;
  private ScheduledFuture<?> timer;

  public Unacked(ImConnection connection, ImService im) {
    this.connection = connection;
    this.im = im;
  }

  /** Records pushed messages; false (and the connection closed) when over the cap. */
  public boolean pushed(List<Message> messages) {
    long now = System.nanoTime();
    for (Message m : messages) {
      byConversation.computeIfAbsent(m.getConversation(), k -> new ArrayDeque<>()).addLast(new Pending(m, now));
    }
    count += messages.size();
    if (count > im.settings().maxUnacked()) {
      connection.slowConsumer(count + " pushed messages unacknowledged");
      return false;
    }
    if (timer == null) {
      schedule();
    }
    return true;
  }

  public void ack(Ack ack) {
    for (Cursor c : ack.getCursorsList()) {
      ArrayDeque<Pending> q = byConversation.get(c.getConversation());
      if (q == null) {
        continue;
      }
      while (!q.isEmpty() && q.peekFirst().message.getSeq() <= c.getSeq()) {
        q.pollFirst();
        count--;
      }
      if (q.isEmpty()) {
        byConversation.remove(c.getConversation());
      }
    }
    if (count == 0) {
      cancel();
    }
  }

  public int count() {
    return count;
  }

  public void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void schedule() {
    timer = connection.eventLoop().schedule(this::resendOverdue, im.settings().ackTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
  }

  private void resendOverdue() {
    timer = null;
    if (count == 0 || !connection.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    long timeout = im.settings().ackTimeout().toNanos();
    int resent = 0;
    for (Iterator<ArrayDeque<Pending>> it = byConversation.values().iterator(); it.hasNext();) {
      ArrayDeque<Pending> q = it.next();
      List<Message> overdue = new ArrayList<>();
      for (Pending p : q) {
        if (now - p.pushedAt >= timeout) {
          overdue.add(p.message);
          p.pushedAt = now;
        }
      }
      if (!overdue.isEmpty()) {
        connection.write(new OutFrame(Frame.newBuilder().setPush(Push.newBuilder().addAllMessages(overdue)).build()));
        resent += overdue.size();
      }
    }
    if (resent > 0) {
      im.metrics().resends.increment(resent);
      connection.flush();
    }
    if (count > 0) {
      schedule();
    }
  }
}
