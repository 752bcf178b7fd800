package dev.parley.client.chat;

import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Presence;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the chat's commands and its event printing share: who this user is, the conversation lines
 * go to, the last seq seen per conversation, the presence of followed users and the group names.
 * Commands run on the input thread, events on the client's callback thread.
 */
final class ChatState {
  final GroupNames groups = new GroupNames();
  final ChatFormat format = new ChatFormat(groups);
  /** Per conversation, the highest seq received or sent. */
  final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
  /** The latest presence of each followed user. */
  final Map<String, Presence> presence = new ConcurrentHashMap<>();
  /** This user: as told at start, then as the server said at login. */
  volatile String me;
  /** The current conversation, or null. */
  volatile String target;

  ChatState(String user) {
    this.me = user;
  }

  /** {@code bob}, {@code @bob}, {@code #team} (a group's name or id), {@code g:id} or {@code u:a:b} as a conversation id. */
  String conversationOf(String name) {
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
    String self = me;
    if (self == null) {
      throw new IllegalArgumentException("not logged in yet");
    }
    if (n.equals(self)) {
      throw new IllegalArgumentException("that is you");
    }
    return Ids.direct(self, n);
  }
}
