package dev.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void directConversationIsTheSameFromBothSides() {
    assertThat(Ids.direct("bob", "alice")).isEqualTo("u:alice:bob").isEqualTo(Ids.direct("alice", "bob"));
    assertThat(Ids.peerOf("u:alice:bob", "alice")).isEqualTo("bob");
  }

  @Test
  void conversationTypesAreParsedStrictly() {
    assertThat(Ids.typeOf("u:alice:bob")).isEqualTo(Ids.Type.DIRECT);
    assertThat(Ids.typeOf("u:bob:alice")).isNull();
    assertThat(Ids.typeOf("g:team-1")).isEqualTo(Ids.Type.GROUP);
    assertThat(Ids.typeOf("s:alice")).isEqualTo(Ids.Type.SYSTEM);
    assertThat(Ids.typeOf("x:alice")).isNull();
    assertThat(Ids.typeOf("g:")).isNull();
    assertThat(Ids.typeOf(null)).isNull();
  }

  @Test
  void userIdsAreLimited() {
    assertThat(Ids.isValidUser("alice.b@x-1")).isTrue();
    assertThat(Ids.isValidUser("a:b")).isFalse();
    assertThat(Ids.isValidUser("")).isFalse();
    assertThat(Ids.isValidUser("x".repeat(65))).isFalse();
  }
}
