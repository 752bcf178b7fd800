package dev.parley.im.delivery;

import dev.parley.core.store.jdbc.GroupCommitWriter;
import dev.parley.im.session.Directory;
import dev.parley.im.session.Router;
import dev.parley.im.session.Session;
import dev.parley.im.store.StoredMessage;
import dev.parley.im.wire.OutFrame;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Push;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The in-process {@link Router}: every session is on this node, found in the {@link Directory}.
 * Hands each committed batch to the devices, in one go per event loop. Messages of one
 * conversation in a batch travel in one Push frame, encoded once for all its recipients; the
 * device that sent a message gets its SendAck instead of a push of it. Answers (SendAck, group
 * info) written during the batch go out in the same pass, so everything is flushed once per
 * connection per batch. Called on the writer thread only, after the commit, except
 * {@link #sendToUser}, which any thread may call.
 */
public final class Dispatcher implements Router, GroupCommitWriter.BatchListener {
  /** Told of a committed message for a recipient with no session on this node. */
  @FunctionalInterface
  public interface Absent {
    /** Writer thread: {@code user} has no session here for {@code message}. */
    void noSessionHere(String user, StoredMessage message);
  }

  private record Item(StoredMessage stored, Session origin) {}

  private record Reply(Session to, OutFrame frame) {}

  private record PushTo(Session to, OutFrame frame, List<StoredMessage> messages) {}

  private final Directory directory;
  private final Absent absent;
  private final List<Item> items = new ArrayList<>();
  private final List<Reply> replies = new ArrayList<>();

  /** One node on its own: a recipient with no session here is offline. */
  public Dispatcher(Directory directory, OfflineNotifier offline) {
    this(directory, offline::notify);
  }

  /** @param absent told of each recipient without a session here (a cluster router looks elsewhere) */
  public Dispatcher(Directory directory, Absent absent) {
    this.directory = directory;
    this.absent = absent;
  }

  /**
   * Any thread: pushes {@code messages} (of one conversation, in order, committed by another node)
   * to every session of {@code users} on this node, tracked until acknowledged like any push.
   */
  public void pushHere(List<StoredMessage> messages, Collection<String> users) {
    OutFrame shared = push(messages);
    Map<EventLoop, List<Object>> perLoop = new IdentityHashMap<>();
    for (String user : users) {
      for (Session s : directory.sessions(user)) {
        perLoop.computeIfAbsent(s.eventLoop(), k -> new ArrayList<>()).add(new PushTo(s, shared, messages));
      }
    }
    perLoop.forEach((loop, work) -> loop.execute(() -> write(work)));
  }

  /** Any thread: each session hops onto its event loop and flushes. */
  @Override
  public int sendToUser(String user, Frame frame) {
    Session[] sessions = directory.sessions(user);
    for (Session s : sessions) {
      s.send(frame);
    }
    return sessions.length;
  }

  /** Writer thread: delivers a committed message to every recipient device except {@code origin}. */
  @Override
  public void deliver(StoredMessage stored, Session origin) {
    items.add(new Item(stored, origin));
  }

  /** Writer thread: sends {@code frame} to one session with this batch. */
  @Override
  public void reply(Session to, Frame frame) {
    replies.add(new Reply(to, new OutFrame(frame)));
  }

  /** Writer thread: sends the frame {@code build} makes, built by the session's event loop, with this batch. */
  @Override
  public void reply(Session to, Supplier<Frame> build) {
    replies.add(new Reply(to, new OutFrame(build)));
  }

  /**
   * Writer thread: sends {@code frame} with this batch to every session of {@code users} except
   * {@code except} (the session whose request caused it, which has its answer; null for none).
   */
  @Override
  public void broadcast(Set<String> users, Frame frame, Session except) {
    OutFrame out = new OutFrame(frame);
    for (String u : users) {
      for (Session s : directory.sessions(u)) {
        if (s != except) {
          replies.add(new Reply(s, out));
        }
      }
    }
  }

  @Override
  public void afterCommit() {
    if (items.isEmpty() && replies.isEmpty()) {
      return;
    }
    Map<EventLoop, List<Object>> perLoop = new IdentityHashMap<>();
    for (Reply r : replies) {
      perLoop.computeIfAbsent(r.to().eventLoop(), k -> new ArrayList<>()).add(r);
    }
    for (List<Item> run : runs()) {
      route(run, perLoop);
    }
    items.clear();
    replies.clear();
    perLoop.forEach((loop, work) -> loop.execute(() -> write(work)));
  }

  @Override
  public void afterRollback() {
    items.clear();
    replies.clear();
  }

  /** Groups the batch into runs: same conversation and same recipients, in commit order. */
  private List<List<Item>> runs() {
    Map<String, List<List<Item>>> byConversation = new LinkedHashMap<>();
    for (Item it : items) {
      List<List<Item>> runs = byConversation.computeIfAbsent(it.stored().conversation(), k -> new ArrayList<>());
      List<Item> last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null && last.get(0).stored().recipients() == it.stored().recipients()) {
        last.add(it);
      } else {
        List<Item> run = new ArrayList<>();
        run.add(it);
        runs.add(run);
      }
    }
    List<List<Item>> out = new ArrayList<>();
    byConversation.values().forEach(out::addAll);
    return out;
  }

  private void route(List<Item> run, Map<EventLoop, List<Object>> perLoop) {
    List<StoredMessage> all = new ArrayList<>(run.size());
    Set<Session> origins = null;
    for (Item it : run) {
      all.add(it.stored());
      if (it.origin() != null) {
        if (origins == null) {
          origins = new LinkedHashSet<>();
        }
        origins.add(it.origin());
      }
    }
    OutFrame shared = push(all);
    for (String user : run.get(0).stored().recipients()) {
      Session[] sessions = directory.sessions(user);
      if (sessions.length == 0) {
        for (StoredMessage m : all) {
          if (!m.sender().equals(user)) {
            absent.noSessionHere(user, m);
          }
        }
        continue;
      }
      for (Session s : sessions) {
        if (origins != null && origins.contains(s)) {
          List<StoredMessage> others = new ArrayList<>();
          for (Item it : run) {
            if (it.origin() != s) {
              others.add(it.stored());
            }
          }
          if (!others.isEmpty()) {
            perLoop.computeIfAbsent(s.eventLoop(), k -> new ArrayList<>()).add(new PushTo(s, push(others), others));
          }
        } else {
          perLoop.computeIfAbsent(s.eventLoop(), k -> new ArrayList<>()).add(new PushTo(s, shared, all));
        }
      }
    }
  }

  /** One Push for the run, built and encoded by the first event loop that writes it, not here. */
  private static OutFrame push(List<StoredMessage> messages) {
    return new OutFrame(() -> {
      Push.Builder push = Push.newBuilder();
      for (StoredMessage m : messages) {
        push.addMessages(m.message());
      }
      return Frame.newBuilder().setPush(push).build();
    });
  }

  /** On one event loop: write everything for its sessions, then flush each once. */
  private static void write(List<Object> work) {
    Set<Session> touched = new LinkedHashSet<>();
    for (Object o : work) {
      if (o instanceof Reply r) {
        r.to().write(r.frame());
        touched.add(r.to());
      } else {
        PushTo p = (PushTo) o;
        p.to().push(p.frame(), p.messages());
        touched.add(p.to());
      }
    }
    for (Session s : touched) {
      s.flush();
    }
  }
}
