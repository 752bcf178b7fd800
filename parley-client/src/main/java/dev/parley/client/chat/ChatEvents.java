package dev.parley.client.chat;

import dev.parley.client.ConnectionEvent;
import dev.parley.client.MessageListener;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyException;
import dev.parley.client.SendListener;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.Kicked;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.Receipt;
import dev.parley.protocol.im.Typing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the chat prints as things happen: messages (a group's once its name is known), this user's
 * sent messages, receipts that tell something new, presence changes, typing, connection changes.
 * Called on the client's callback thread.
 */
final class ChatEvents implements MessageListener, SendListener {
  private final ParleyClient client;
  private final ChatOutput out;
  private final ChatState state;
  private final GroupNames groups;
  private final ChatFormat format;
  private final boolean autoRead;
  private final Map<String, Long> typingShown = new ConcurrentHashMap<>();
  /** Per conversation, the seqs of this user's messages; receipts are shown when they cover a new one. */
  private final Map<String, NavigableSet<Long>> mine = new ConcurrentHashMap<>();
  private final Map<String, Long> receiptShown = new ConcurrentHashMap<>();
  private final AtomicBoolean greeted = new AtomicBoolean();
  /** Lines of groups whose name is being looked up, printed in order once it is known. */
  private final Map<String, List<Message>> waitingForName = new HashMap<>();

  ChatEvents(ParleyClient client, ChatOutput out, ChatState state, boolean autoRead) {
    this.client = client;
    this.out = out;
    this.state = state;
    this.groups = state.groups;
    this.format = state.format;
    this.autoRead = autoRead;
  }

  /** Listens to everything the client tells. */
  void listen() {
    client.onMessage(this);
    client.onSend(this);
    client.onConnection(this::connection);
    client.onReceipt(this::receipt);
    client.onPresence(this::presence);
    client.onTyping(this::typing);
    client.onKicked(this::kicked);
  }

  @Override
  public void onMessage(Message m) {
    state.lastSeq.merge(m.getConversation(), m.getSeq(), Math::max);
    learnGroupName(m);
    show(m);
    typingShown.remove(m.getSender());
    if (autoRead && !m.getSender().equals(state.me)) {
      // The terminal shows it at once: tell the sender it was read.
      client.markRead(m.getConversation(), m.getSeq());
    }
  }

  @Override
  public void onSent(Message m) {
    state.lastSeq.merge(m.getConversation(), m.getSeq(), Math::max);
    mine.computeIfAbsent(m.getConversation(), k -> new ConcurrentSkipListSet<>()).add(m.getSeq());
    out.line(format.sent(m, state.me));
  }

  @Override
  public void onFailed(String clientId, ParleyException error) {
    out.line("! not sent: " + error.getMessage());
  }

  /** group.created and group.renamed carry the group's name. */
  private void learnGroupName(Message m) {
    if (m.getKind() == MessageKind.MESSAGE_KIND_SYSTEM && Ids.typeOf(m.getConversation()) == Ids.Type.GROUP
        && (m.getEvent().equals("group.created") || m.getEvent().equals("group.renamed"))) {
      groups.put(Ids.groupIdOf(m.getConversation()), m.getAttributesOrDefault("name", null));
    }
  }

  /** Prints a message; one of a group not known yet waits (with the group's later ones) for its name. */
  private void show(Message m) {
    if (Ids.typeOf(m.getConversation()) != Ids.Type.GROUP) {
      out.line(format.incoming(m, state.me));
      return;
    }
    String groupId = Ids.groupIdOf(m.getConversation());
    synchronized (waitingForName) {
      List<Message> waiting = waitingForName.get(groupId);
      if (waiting != null) {
        waiting.add(m);
        return;
      }
      if (groups.knows(groupId)) {
        out.line(format.incoming(m, state.me));
        return;
      }
      waitingForName.put(groupId, new ArrayList<>(List.of(m)));
    }
    client.group(groupId).whenComplete((g, e) -> {
      if (g != null) {
        groups.put(groupId, g.getName());
      }
      synchronized (waitingForName) {
        // Without a name (the lookup failed) the id is shown: the lines are not held back.
        waitingForName.remove(groupId).forEach(w -> out.line(format.incoming(w, state.me)));
      }
    });
  }

  private void kicked(Kicked k) {
    out.line("-- kicked by the server (" + k.getReason() + ": " + k.getMessage() + "); /reconnect to log in again");
  }

  private void connection(ConnectionEvent e) {
    switch (e.state()) {
      case ONLINE -> {
        String user = client.userId();
        if (user != null) {
          state.me = user;
        }
        out.line("-- online as " + state.me + " (session " + e.sessionId() + ")");
        if (greeted.compareAndSet(false, true)) {
          greet();
        }
      }
      case WAITING -> out.line("-- connection lost (" + why(e) + "); retrying in "
          + Math.max(1, Math.round(e.retryInMillis() / 1000.0)) + " s");
      case OFFLINE -> out.line("-- offline (" + why(e) + ")" + (e.cause() == ConnectionEvent.Cause.AUTH_FAILED
          ? "; get a new token (./parley token --user " + (state.me == null ? "<user>" : state.me)
              + ") and start again" : ""));
      default -> {
        // connecting: the next line says how it went
      }
    }
  }

  /** Why the connection changed, in words: {@code link lost: Connection reset}. */
  private static String why(ConnectionEvent e) {
    String cause = e.cause().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    Throwable t = e.error();
    if (t == null) {
      return cause;
    }
    return cause + ": " + (t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
  }

  /** After the first login: where the user has conversations, and the presence of those people. */
  private void greet() {
    client.groups().thenAccept(gs -> gs.forEach(g -> groups.put(g.getGroupId(), g.getName())));
    client.conversations().thenAccept(list -> {
      String me = state.me;
      List<String> peers = new ArrayList<>();
      List<String> groupIds = new ArrayList<>();
      for (Conversation c : list) {
        Ids.Type type = Ids.typeOf(c.getConversation());
        if (type == Ids.Type.DIRECT) {
          peers.add(Ids.peerOf(c.getConversation(), me));
        } else if (type == Ids.Type.GROUP) {
          groupIds.add(Ids.groupIdOf(c.getConversation()));
          groups.put(Ids.groupIdOf(c.getConversation()), c.getTitle());
        }
        if (c.getUnread() > 0) {
          out.line(format.conversation(c, me));
        }
      }
      if (!peers.isEmpty() || !groupIds.isEmpty()) {
        client.subscribePresence(peers, groupIds);
      }
    });
  }

  /** Receipts that tell something: another user got or read one of this user's messages not told before. */
  private void receipt(Receipt r) {
    NavigableSet<Long> own = mine.get(r.getConversation());
    if (r.getUser().equals(state.me) || own == null) {
      return;
    }
    String key = r.getConversation() + "|" + r.getUser() + "|" + r.getType();
    long shown = receiptShown.getOrDefault(key, 0L);
    Long next = own.higher(shown);
    if (next != null && next <= r.getSeq()) {
      receiptShown.put(key, r.getSeq());
      out.line(format.receipt(r, state.me));
    }
  }

  private void presence(Presence p) {
    if (p.getUser().equals(state.me)) {
      return;
    }
    Presence before = state.presence.put(p.getUser(), p);
    if (before == null || before.getOnline() != p.getOnline()) {
      out.line(ChatFormat.presence(p));
    }
  }

  private void typing(Typing t) {
    long now = System.currentTimeMillis();
    Long shown = typingShown.get(t.getUser());
    if (t.getTyping() && (shown == null || now - shown > 5000)) {
      typingShown.put(t.getUser(), now);
      String where = format.where(t.getConversation(), state.me);
      out.line("* " + t.getUser() + " is typing" + (where.startsWith("#") ? " in " + where : "") + "...");
    }
  }
}
