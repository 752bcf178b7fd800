package dev.parley.client.chat;

import dev.parley.client.Outgoing;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * What a typed line does: a message to the current conversation, {@code @bob text} or
 * {@code #team text} to another, or a {@code /command}. Answers to requests are printed when they
 * come. Called on the input thread.
 */
final class ChatCommands {
  static final String HELP = String.join("\n",
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
  private final ChatState state;
  private final GroupNames groups;
  private final ChatFormat format;

  ChatCommands(ParleyClient client, ChatOutput out, ChatState state) {
    this.client = client;
    this.out = out;
    this.state = state;
    this.groups = state.groups;
    this.format = state.format;
  }

  /** Handles one line of input; false when the user asked to quit. */
  boolean handle(String raw) {
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
        send(state.conversationOf(line.substring(0, space)), line.substring(space + 1));
        return true;
      }
      if (state.target == null) {
        out.line("! pick a conversation first: /to bob, /to #<group-id>, or @bob <text>");
        return true;
      }
      send(state.target, line);
    } catch (IllegalArgumentException e) {
      out.line("! " + e.getMessage());
    }
    return true;
  }

  private void send(String conversation, String text) {
    Outgoing o = Outgoing.text(text);
    String me = state.me;
    if (Ids.typeOf(conversation) == Ids.Type.DIRECT && me != null) {
      o.toUser(Ids.peerOf(conversation, me));
    } else {
      o.toConversation(conversation);
    }
    client.send(o);
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
        state.target = state.conversationOf(line.substring(line.indexOf(' ') + 1).strip());
        out.line("-- talking to " + format.where(state.target, state.me));
      }
      case "/list" -> show(client.conversations(), list -> {
        if (list.isEmpty()) {
          return "-- no conversations yet";
        }
        List<String> lines = new ArrayList<>();
        for (Conversation c : list) {
          lines.add(format.conversation(c, state.me));
        }
        return String.join("\n", lines);
      });
      case "/history" -> {
        String t = current();
        int n = w.length > 1 ? Integer.parseInt(w[1]) : 20;
        show(client.history(t, 0, n), h -> {
          String me = state.me;
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
        Long seq = state.lastSeq.get(t);
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
      case "/status" -> out.line("-- " + client.state().name().toLowerCase(Locale.ROOT) + " as " + state.me
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
        .append(m.getRole().name().substring("ROLE_".length()).toLowerCase(Locale.ROOT)).append(')'));
    return b.toString();
  }

  private void who(List<String> users) {
    if (users.isEmpty()) {
      if (state.presence.isEmpty()) {
        out.line("-- following nobody; /who bob carol");
      }
      state.presence.values().forEach(p -> out.line(ChatFormat.presence(p)));
      return;
    }
    show(client.subscribePresence(users, List.of()), ps -> "-- following " + String.join(", ", users));
  }

  private String current() {
    String t = state.target;
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
}
