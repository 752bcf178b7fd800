package dev.parley.client.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatFormatTest {
  private final GroupNames groups = new GroupNames();
  private final ChatFormat format = new ChatFormat(groups);

  private static Message text(String conversation, String sender, String text) {
    return Message.newBuilder().setConversation(conversation).setSeq(7).setSender(sender).setTimestamp(1)
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText(text).build();
  }

  private static Message call(String event, String caller, Map<String, String> attrs) {
    return Message.newBuilder().setConversation(Ids.direct("alice", "bob")).setSeq(3).setSender(caller).setTimestamp(1)
        .setKind(MessageKind.MESSAGE_KIND_CALL).setEvent(event).setText("Video call, 2:31")
        .putAllAttributes(attrs).putAttributes("caller", caller).build();
  }

  @Test
  void groupsShowByNameOnceKnownAndByIdUntilThen() {
    String g = Ids.group("k3x9q");
    assertThat(format.incoming(text(g, "bob", "hi"), "alice")).contains("] #k3x9q bob: hi  #7");
    groups.put("k3x9q", "team");
    assertThat(format.incoming(text(g, "bob", "hi"), "alice")).contains("] #team bob: hi  #7");
    assertThat(format.where(g, "alice")).isEqualTo("#team");
    groups.put("other", "team");
    assertThat(format.where(g, "alice")).isEqualTo("#team (k3x9q)");
    assertThat(groups.resolve("team")).isEqualTo("team");
    groups.put("other", "friends");
    assertThat(groups.resolve("team")).isEqualTo("k3x9q");
    assertThat(groups.resolve("k3x9q")).isEqualTo("k3x9q");
  }

  @Test
  void ownMessagesAreMeInGroupsAsInDirectConversations() {
    groups.put("k3x9q", "team");
    assertThat(format.incoming(text(Ids.group("k3x9q"), "alice", "hi"), "alice"))
        .contains("] me (other device) -> #team: hi  #7").doesNotContain("alice");
    assertThat(format.incoming(text(Ids.direct("alice", "bob"), "alice", "hi"), "alice"))
        .contains("] me (other device) -> bob: hi  #7");
    assertThat(format.sent(text(Ids.group("k3x9q"), "alice", "hi"), "alice")).contains("] me -> #team: hi  #7 sent");
  }

  @Test
  void callRecordsReadAsCalls() {
    assertThat(format.incoming(call("call.completed", "bob", Map.of("media", "audio", "duration_ms", "151000")), "alice"))
        .contains("] bob: (call, 2:31)  #3");
    assertThat(ChatFormat.call(call("call.completed", "bob", Map.of("media", "video", "duration_ms", "3723000")), "alice"))
        .isEqualTo("(video call, 1:02:03)");
    assertThat(ChatFormat.call(call("call.missed", "bob", Map.of("media", "audio")), "alice")).isEqualTo("(missed call)");
    assertThat(ChatFormat.call(call("call.missed", "alice", Map.of("media", "video")), "alice"))
        .isEqualTo("(video call, no answer)");
    assertThat(ChatFormat.call(call("call.declined", "alice", Map.of()), "alice")).isEqualTo("(call declined)");
    assertThat(ChatFormat.call(call("call.cancelled", "bob", Map.of()), "alice")).isEqualTo("(missed call (cancelled))");
    assertThat(ChatFormat.call(call("call.cancelled", "alice", Map.of()), "alice")).isEqualTo("(call cancelled)");
    assertThat(ChatFormat.call(call("call.busy", "bob", Map.of()), "alice")).isEqualTo("(call, busy)");
    assertThat(ChatFormat.call(call("call.future-kind", "bob", Map.of()), "alice")).isEqualTo("(Video call, 2:31)");
    // The caller's own record was written by the server, not by another of the caller's devices.
    assertThat(format.incoming(call("call.missed", "alice", Map.of()), "alice"))
        .contains("] me -> bob: (call, no answer)").doesNotContain("other device").doesNotContain("MESSAGE_KIND");
    assertThat(ChatFormat.duration("7000")).isEqualTo("0:07");
    assertThat(ChatFormat.duration("junk")).isEqualTo("0:00");
  }

  @Test
  void theConversationListNamesGroupsOnce() {
    groups.put("k3x9q", "team");
    Conversation c = Conversation.newBuilder().setConversation(Ids.group("k3x9q")).setTitle("team").setUnread(2)
        .setLastMessage(text(Ids.group("k3x9q"), "alice", "hi")).build();
    assertThat(format.conversation(c, "alice")).isEqualTo("  #team: 2 unread, last me: hi");
  }
}
