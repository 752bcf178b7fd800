package dev.parley.client.chat;

import dev.parley.client.ConnectionEvent;
import dev.parley.client.MessageListener;
import dev.parley.client.Outgoing;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyException;
import dev.parley.client.SendListener;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.Typing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * An interactive chat on one {@link ParleyClient}: lines typed are messages to the current
 * conversation or {@code /commands}; messages, receipts, presence, typing and connection changes
 * are printed as they happen. Input comes from one thread; events from the client's callback thread.
 */
public final class ChatSession implements MessageListener, SendListener {
  private static final String HELP = String.join("\n",
      "  <text>                   send to the current conversation",
      "  @bob <text>              send to bob;  #<group> <text>  send to a group (name or id)",
      "  /to bob | /to #<group>   make it the current conversation",
      "  /list                    conversations with unread counts",
      "  /history [n]             the last n messages here (default 20)",
      "  /read                    mark everything here as read",
      "  /recall <seq>            recall one of your messages here",
      "  /who [user ...]          follow users' presence; without names: who is online",
      "  /groups                  your groups;  /group info <id>",
      "  /group create <name> <user,user,...>",
      "  /group add|remove <id> <user,user,...>;  /group rename <id> <name>;  /group leave <id>",
      "  /status, /reconnect, /help, /quit");

  private final ParleyClient client;
  private final ChatOutput out;
  private final boolean autoRead;
  private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
  private final Map<String, Presence> presence = new ConcurrentHashMap<>();
  private final Map<String, Long> typingShown = new ConcurrentHashMap<>();
  /** Per conversation, the seqs of this user's messages; receipts are shown when they cover a new one. */
  private final Map<String, java.util.NavigableSet<Long>> mine = new ConcurrentHashMap<>();
  private final Map<String, Long> receiptShown = new ConcurrentHashMap<>();
  private final AtomicBoolean greeted = new AtomicBoolean();
  private final GroupNames groups = new GroupNames();
  private final ChatFormat format = new ChatFormat(groups);
  /** Lines of groups whose name is being looked up, printed in order once it is known. */
  private final Map<String, List<Message>> waitingForName = new java.util.HashMap<>();
  private volatile String me;
  private volatile String target;
  private volatile long lastTypingSent;

  public ChatSession(ParleyClient client, String user, ChatOutput out, boolean autoRead) {
    this.client = client;
    this.me = user;
    this.out = out;
    this.autoRead = autoRead;
  }

  /** Listens to the client and connects it. */
  public void start() {
    client.onMessage(this);
    client.onSend(this);
    client.onConnection(this::connection);
    client.onReceipt(this::receipt);
    client.onPresence(this::presence);
    client.onTyping(this::typing);
    client.onKicked(k -> out.line("-- kicked by the server (" + k.getReason() + ": " + k.getMessage()
        + "); /reconnect to log in again"));
    out.line("-- connecting to " + client.config().server() + " ... (/help for commands)");
    client.connect();
  }

  /** The prompt for the next line: who the current conversation is with. */
  public String prompt() {
    String t = target;
    return (me == null ? "" : me) + (t == null ? "" : " -> " + format.where(t, me)) + "> ";
  }

  /** Handles one line of input; false when the user asked to quit. */
  public boolean handle(String raw) {
    String line = raw.strip();
    if (line.isEmpty()) {
      return true;
    }
    try {
      if (line.startsWith("/")) {
        return command(line);
      }
      if (line.startsWith("@") || line.startsWith("#")) {
        int space = line.indexOf(' ');
        if (space < 0) {
          out.line("! nothing to send; use /to " + line + " to switch there");
          return true;
        }
        send(conversationOf(line.substring(0, space)), line.substring(space + 1));
        return true;
      }
      if (target == null) {
        out.line("! pick a conversation first: /to bob, /to #<group-id>, or @bob <text>");
        return true;
      }
      send(target, line);
    } catch (IllegalArgumentException e) {
      out.line("! " + e.getMessage());
    }
    return true;
  }

  /** The user is typing in the current conversation (told to the others at most every 3 s). */
  public void typing() {
    String t = target;
    long now = System.currentTimeMillis();
    if (t != null && now - lastTypingSent > 3000) {
      lastTypingSent = now;
      client.typing(t, true);
    }
  }

  /** Waits up to {@code max} for queued messages to be acknowledged (before quitting). */
  public boolean drain(Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (client.pendingSends() > 0 && System.nanoTime() < end) {
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
    }
    return client.pendingSends() == 0;
  }

  private void send(String conversation, String text) {
    Outgoing o = Outgoing.text(text);
    if (Ids.typeOf(conversation) == Ids.Type.DIRECT && me != null) {
      o.toUser(Ids.peerOf(conversation, me));
    } else {
      o.toConversation(conversation);
    }
    client.send(o);
  }

  /** {@code bob}, {@code @bob}, {@code #team} (a group's name or id), {@code g:id} or {@code u:a:b} as a conversation id. */
  private String conversationOf(String name) {
    String n = name.startsWith("@") ? name.substring(1) : name;
    if (n.startsWith("#")) {
      n = Ids.group(groups.resolve(n.substring(1)));
    }
    if (Ids.typeOf(n) != null) {
      return n;
    }
    if (!Ids.isValidUser(n)) {
      throw new IllegalArgumentException("not a user or group: " + name);
    }
    if (me == null) {
      throw new IllegalArgumentException("not logged in yet");
    }
    if (n.equals(me)) {
      throw new IllegalArgumentException("that is you");
    }
    return Ids.direct(me, n);
  }

  private boolean command(String line) {
    String[] w = line.split("\\s+");
    switch (w[0]) {
      case "/quit", "/exit" -> {
        return false;
      }
      case "/help" -> out.line(HELP);
      case "/to" -> {
        need(w, 2, "/to bob");
        // A group's name may hold spaces: /to #my team
        target = conversationOf(line.substring(line.indexOf(' ') + 1).strip());
        out.line("-- talking to " + format.where(target, me));
      }
      case "/list" -> show(client.conversations(), list -> {
        if (list.isEmpty()) {
          return "-- no conversations yet";
        }
        List<String> lines = new ArrayList<>();
        for (Conversation c : list) {
          lines.add(format.conversation(c, me));
        }
        return String.join("\n", lines);
      });
      case "/history" -> {
        String t = current();
        int n = w.length > 1 ? Integer.parseInt(w[1]) : 20;
        show(client.history(t, 0, n), h -> {
          List<String> lines = new ArrayList<>();
          for (Message m : h.getMessagesList()) {
            lines.add(m.getSender().equals(me) && m.getKind() != MessageKind.MESSAGE_KIND_CALL
                ? format.sent(m, me) : format.incoming(m, me));
          }
          return lines.isEmpty() ? "-- no messages" : String.join("\n", lines);
        });
      }
      case "/read" -> {
        String t = current();
        Long seq = lastSeq.get(t);
        if (seq == null) {
          out.line("-- nothing received here yet");
        } else {
          show(client.markRead(t, seq), v -> "-- marked read up to #" + seq);
        }
      }
      case "/recall" -> {
        need(w, 2, "/recall 42");
        client.recall(current(), Long.parseLong(w[1]));
      }
      case "/who" -> who(Arrays.asList(w).subList(1, w.length));
      case "/groups" -> show(client.groups(), gs -> {
        gs.forEach(g -> groups.put(g.getGroupId(), g.getName()));
        return gs.isEmpty() ? "-- no groups" : String.join("\n", gs.stream().map(g -> "  #" + groups.label(g.getGroupId())
            + "  (id " + g.getGroupId() + ", " + g.getMemberCount() + " members)").toList());
      });
      case "/group" -> group(w);
      case "/status" -> out.line("-- " + client.state().name().toLowerCase(java.util.Locale.ROOT) + " as " + me
          + " on " + client.config().server() + "; " + client.pendingSends() + " message(s) waiting");
      case "/reconnect" -> {
        client.connect();
        client.reconnectNow();
      }
      default -> out.line("! unknown command " + w[0] + " (/help)");
    }
    return true;
  }

  private void group(String[] w) {
    need(w, 3, "/group create <name> <user,...> | /group info <group>");
    String id = w[1].equals("create") ? w[2] : groups.resolve(w[2].startsWith("#") ? w[2].substring(1) : w[2]);
    switch (w[1]) {
      case "create" -> {
        List<String> members = w.length > 3 ? Arrays.asList(w[3].split(",")) : List.of();
        show(client.createGroup(id, members), g -> {
          groups.put(g.getGroupId(), g.getName());
          return "-- group #" + groups.label(g.getGroupId()) + " created (id " + g.getGroupId() + "); /to #"
              + groups.label(g.getGroupId()) + " to talk there";
        });
      }
      case "add" -> {
        need(w, 4, "/group add <id> <user,...>");
        show(client.addMembers(id, Arrays.asList(w[3].split(","))), v -> "-- added");
      }
      case "remove" -> {
        need(w, 4, "/group remove <id> <user,...>");
        show(client.removeMembers(id, Arrays.asList(w[3].split(","))), v -> "-- removed");
      }
      case "rename" -> {
        need(w, 4, "/group rename <id> <name>");
        show(client.renameGroup(id, String.join(" ", Arrays.asList(w).subList(3, w.length))), v -> "-- renamed");
      }
      case "leave" -> show(client.leaveGroup(id), v -> "-- left #" + groups.label(id));
      case "info" -> show(client.group(id), g -> {
        groups.put(g.getGroupId(), g.getName());
        return groupInfo(g);
      });
      default -> out.line("! /group create|add|remove|rename|leave|info");
    }
  }

  private String groupInfo(GroupInfo g) {
    StringBuilder b = new StringBuilder("  #" + groups.label(g.getGroupId()) + " (id " + g.getGroupId() + "), owner "
        + g.getOwner());
    g.getMembersList().forEach(m -> b.append("\n    ").append(m.getUser()).append(" (")
        .append(m.getRole().name().substring("ROLE_".length()).toLowerCase(java.util.Locale.ROOT)).append(')'));
    return b.toString();
  }

  private void who(List<String> users) {
    if (users.isEmpty()) {
      if (presence.isEmpty()) {
        out.line("-- following nobody; /who bob carol");
      }
      presence.values().forEach(p -> out.line(ChatFormat.presence(p)));
      return;
    }
    show(client.subscribePresence(users, List.of()), ps -> "-- following " + String.join(", ", users));
  }

  private String current() {
    String t = target;
    if (t == null) {
      throw new IllegalArgumentException("pick a conversation first: /to bob");
    }
    return t;
  }

  private static void need(String[] w, int n, String usage) {
    if (w.length < n) {
      throw new IllegalArgumentException("usage: " + usage);
    }
  }

  /** Prints what a request answers, or why it failed, when it comes. */
  private <T> void show(CompletableFuture<T> f, Function<T, String> render) {
    f.whenComplete((v, e) -> out.line(e == null ? render.apply(v) : "! " + reason(e)));
  }

  private static String reason(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Events

  @Override
  public void onMessage(Message m) {
    lastSeq.merge(m.getConversation(), m.getSeq(), Math::max);
    learnGroupName(m);
    show(m);
    typingShown.remove(m.getSender());
    if (autoRead && !m.getSender().equals(me)) {
      // The terminal shows it at once: tell the sender it was read.
      client.markRead(m.getConversation(), m.getSeq());
    }
  }

  @Override
  public void onSent(Message m) {
    lastSeq.merge(m.getConversation(), m.getSeq(), Math::max);
    mine.computeIfAbsent(m.getConversation(), k -> new java.util.concurrent.ConcurrentSkipListSet<>()).add(m.getSeq());
    out.line(format.sent(m, me));
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
      out.line(format.incoming(m, me));
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
        out.line(format.incoming(m, me));
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
        waitingForName.remove(groupId).forEach(w -> out.line(format.incoming(w, me)));
      }
    });
  }

  @Override
  public void onFailed(String clientId, ParleyException error) {
    out.line("! not sent: " + error.getMessage());
  }

  private void connection(ConnectionEvent e) {
    switch (e.state()) {
      case ONLINE -> {
        String user = client.userId();
        if (user != null) {
          me = user;
        }
        out.line("-- online as " + me + " (session " + e.sessionId() + ")");
        if (greeted.compareAndSet(false, true)) {
          greet();
        }
      }
      case WAITING -> out.line("-- connection lost (" + why(e) + "); retrying in "
          + Math.max(1, Math.round(e.retryInMillis() / 1000.0)) + " s");
      case OFFLINE -> out.line("-- offline (" + why(e) + ")" + (e.cause() == ConnectionEvent.Cause.AUTH_FAILED
          ? "; get a new token (./parley token --user " + (me == null ? "<user>" : me) + ") and start again" : ""));
      default -> {
        // connecting: the next line says how it went
      }
    }
  }

  /** Why the connection changed, in words: {@code link lost: Connection reset}. */
  private static String why(ConnectionEvent e) {
    String cause = e.cause().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
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
  private void receipt(dev.parley.protocol.im.Receipt r) {
    java.util.NavigableSet<Long> own = mine.get(r.getConversation());
    if (r.getUser().equals(me) || own == null) {
      return;
    }
    String key = r.getConversation() + "|" + r.getUser() + "|" + r.getType();
    long shown = receiptShown.getOrDefault(key, 0L);
    Long next = own.higher(shown);
    if (next != null && next <= r.getSeq()) {
      receiptShown.put(key, r.getSeq());
      out.line(format.receipt(r, me));
    }
  }

  private void presence(Presence p) {
    if (p.getUser().equals(me)) {
      return;
    }
    Presence before = presence.put(p.getUser(), p);
    if (before == null || before.getOnline() != p.getOnline()) {
      out.line(ChatFormat.presence(p));
    }
  }

  private void typing(Typing t) {
    long now = System.currentTimeMillis();
    Long shown = typingShown.get(t.getUser());
    if (t.getTyping() && (shown == null || now - shown > 5000)) {
      typingShown.put(t.getUser(), now);
      String where = format.where(t.getConversation(), me);
      out.line("* " + t.getUser() + " is typing" + (where.startsWith("#") ? " in " + where : "") + "...");
    }
  }
}
