package dev.parley.im.delivery;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.im.store.StoredMessage;
import dev.parley.im.wire.OutFrame;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Push;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Messages pushed to one connection and not yet acknowledged, per conversation in seq order.
 * Overdue ones are pushed again (same seq: the device drops what it already has) while the
 * connection lives; past the unacked cap the connection is a slow consumer. Event loop only; the
 * resend timer runs on the connection's loop through the server's {@link TimeSource}.
 */
public final class Unacked {
  /** The connection the pushes went to, as far as resending needs it. */
  public interface Link {
    /** Where the resend timer runs: the connection's event loop. */
    ScheduledExecutorService eventLoop();

    boolean isActive();

    /** Writes without flushing. */
    void write(OutFrame frame);

    void flush();

    /** Closes the connection as a slow consumer, telling it why. */
    void slowConsumer(String why);
  }

  private static final class Pending {
    final StoredMessage message;
    long pushedAt;

    Pending(StoredMessage message, long pushedAt) {
      this.message = message;
      this.pushedAt = pushedAt;
    }
  }

  private final Link link;
  private final int maxUnacked;
  private final Duration ackTimeout;
  private final TimeSource time;
  private final Counter resends;
  private final Map<String, ArrayDeque<Pending>> byConversation = new HashMap<>();
  private int count;
  private Cancellable timer = Cancellable.NONE;
  private boolean scheduled;

  public Unacked(Link link, int maxUnacked, Duration ackTimeout, TimeSource time, Counter resends) {
    this.link = link;
    this.maxUnacked = maxUnacked;
    this.ackTimeout = ackTimeout;
    this.time = time;
    this.resends = resends;
  }

  /** Records pushed messages; false (and the connection closed) when over the cap. */
  public boolean pushed(List<StoredMessage> messages) {
    long now = time.nanoTime();
    for (StoredMessage m : messages) {
      byConversation.computeIfAbsent(m.conversation(), k -> new ArrayDeque<>()).addLast(new Pending(m, now));
    }
    count += messages.size();
    if (count > maxUnacked) {
      link.slowConsumer(count + " pushed messages unacknowledged");
      return false;
    }
    if (!scheduled) {
      schedule();
    }
    return true;
  }

  /** A cumulative acknowledgement: everything up to each cursor's seq is done with. */
  public void ack(Ack ack) {
    for (Cursor c : ack.getCursorsList()) {
      ArrayDeque<Pending> q = byConversation.get(c.getConversation());
      if (q == null) {
        continue;
      }
      while (!q.isEmpty() && q.peekFirst().message.seq() <= c.getSeq()) {
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

  /** Pushed messages still waiting for their ack. */
  public int count() {
    return count;
  }

  /** Stops the resend timer (the connection closed, or nothing is pending). */
  public void cancel() {
    timer.cancel();
    timer = Cancellable.NONE;
    scheduled = false;
  }

  private void schedule() {
    scheduled = true;
    timer = time.schedule(link.eventLoop(), this::resendOverdue, ackTimeout);
  }

  private void resendOverdue() {
    scheduled = false;
    timer = Cancellable.NONE;
    if (count == 0 || !link.isActive()) {
      return;
    }
    long now = time.nanoTime();
    long timeout = ackTimeout.toNanos();
    int resent = 0;
    for (ArrayDeque<Pending> q : byConversation.values()) {
      List<Message> overdue = new ArrayList<>();
      for (Pending p : q) {
        if (now - p.pushedAt >= timeout) {
          overdue.add(p.message.message());
          p.pushedAt = now;
        }
      }
      if (!overdue.isEmpty()) {
        link.write(new OutFrame(Frame.newBuilder().setPush(Push.newBuilder().addAllMessages(overdue)).build()));
        resent += overdue.size();
      }
    }
    if (resent > 0) {
      resends.increment(resent);
      link.flush();
    }
    schedule();
  }
}
