package dev.parley.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void filterValidity() {
    assertThat(Topics.isValidFilter("a/+/c")).isTrue();
    assertThat(Topics.isValidFilter("#")).isTrue();
    assertThat(Topics.isValidFilter("a/#")).isTrue();
    assertThat(Topics.isValidFilter("+")).isTrue();
    assertThat(Topics.isValidFilter("a/#/c")).isFalse();
    assertThat(Topics.isValidFilter("a+")).isFalse();
    assertThat(Topics.isValidFilter("a/b#")).isFalse();
    assertThat(Topics.isValidFilter("")).isFalse();
    assertThat(Topics.isValidName("a/+")).isFalse();
    assertThat(Topics.isValidName("/")).isTrue();
  }

  @Test
  void matchingFollowsSection47() {
    assertThat(Topics.matches("sport/tennis/player1/#", "sport/tennis/player1")).isTrue();
    assertThat(Topics.matches("sport/tennis/player1/#", "sport/tennis/player1/ranking")).isTrue();
    assertThat(Topics.matches("sport/#", "sport")).isTrue();
    assertThat(Topics.matches("sport/+", "sport")).isFalse();
    assertThat(Topics.matches("sport/+", "sport/")).isTrue();
    assertThat(Topics.matches("+/+", "/finance")).isTrue();
    assertThat(Topics.matches("/+", "/finance")).isTrue();
    assertThat(Topics.matches("+", "/finance")).isFalse();
    assertThat(Topics.matches("#", "$SYS/x")).isFalse();
    assertThat(Topics.matches("+/monitor", "$SYS/monitor")).isFalse();
    assertThat(Topics.matches("$SYS/#", "$SYS/monitor")).isTrue();
  }

  @Test
  void coversForAccessRules() {
    assertThat(Topics.covers("users/alice/#", "users/alice/inbox/+")).isTrue();
    assertThat(Topics.covers("users/alice/#", "users/+/inbox")).isFalse();
    assertThat(Topics.covers("users/alice/#", "users/#")).isFalse();
    assertThat(Topics.covers("public/#", "public")).isTrue();
    assertThat(Topics.covers("#", "$SYS/#")).isFalse();
    assertThat(Topics.covers("a/+", "a/b")).isTrue();
    assertThat(Topics.covers("a/+", "a/#")).isFalse();
  }

  @Test
  void sharedSubscriptions() {
    assertThat(Topics.parseShared("$share/g/a/b")).isEqualTo(new Topics.Shared("g", "a/b"));
    assertThat(Topics.parseShared("a/b")).isNull();
    assertThatThrownBy(() -> Topics.parseShared("$share/g")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Topics.parseShared("$share//a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Topics.parseShared("$share/g+/a")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trieMatchesLikeTheReferenceAndPrunesOnRemove() {
    SubscriptionTrie<String> trie = new SubscriptionTrie<>();
    String[] filters = {"a/b", "a/+", "a/#", "#", "+/b", "+/+/c", "$SYS/#", "a/b/c", "/a", "+"};
    Object[] owners = new Object[filters.length];
    for (int i = 0; i < filters.length; i++) {
      owners[i] = new Object();
      trie.add(filters[i], null, owners[i], filters[i]);
    }
    String[] topics = {"a/b", "a", "a/b/c", "$SYS/x", "/a", "x/y/c", "b"};
    for (String t : topics) {
      List<String> got = new ArrayList<>();
      trie.match(t, visitor(got));
      List<String> expected = new ArrayList<>();
      for (String f : filters) {
        if (Topics.matches(f, t)) {
          expected.add(f);
        }
      }
      assertThat(got).as(t).containsExactlyInAnyOrderElementsOf(expected);
    }
    for (int i = 0; i < filters.length; i++) {
      assertThat(trie.remove(filters[i], null, owners[i])).isTrue();
    }
    assertThat(trie.size()).isZero();
    List<String> none = new ArrayList<>();
    trie.match("a/b", visitor(none));
    assertThat(none).isEmpty();
  }

  @Test
  void sharedGroupRotatesAndPrefersAcceptedMembers() {
    SubscriptionTrie<String> trie = new SubscriptionTrie<>();
    trie.add("jobs", "g", "o1", "m1");
    trie.add("jobs", "g", "o2", "m2");
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      trie.match("jobs", new SubscriptionTrie.Visitor<>() {
        @Override
        public void subscriber(String value) {}

        @Override
        public void shared(SubscriptionTrie.SharedGroup<String> group) {
          picked.add(group.pick(v -> true));
        }
      });
    }
    assertThat(picked).containsExactlyInAnyOrder("m1", "m2", "m1", "m2");
    trie.add("jobs", "g", "o1", "m1-again");
    List<String> only = new ArrayList<>();
    trie.match("jobs", new SubscriptionTrie.Visitor<>() {
      @Override
      public void subscriber(String value) {}

      @Override
      public void shared(SubscriptionTrie.SharedGroup<String> group) {
        only.add(group.pick(v -> v.equals("m2")));
      }
    });
    assertThat(only).containsExactly("m2");
  }

  @Test
  void retainedTreeFindsMatchesAndSkipsDollarTopicsForRootWildcards() {
    RetainedTree<String> t = new RetainedTree<>();
    t.put("a/b", "ab");
    t.put("a", "a");
    t.put("a/b/c", "abc");
    t.put("$SYS/x", "sys");
    List<String> got = new ArrayList<>();
    t.match("a/#", got::add);
    assertThat(got).containsExactlyInAnyOrder("a", "ab", "abc");
    got.clear();
    t.match("#", got::add);
    assertThat(got).containsExactlyInAnyOrder("a", "ab", "abc");
    got.clear();
    t.match("+/b", got::add);
    assertThat(got).containsExactly("ab");
    t.put("a/b", null);
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.get("a/b/c")).isEqualTo("abc");
  }

  private static SubscriptionTrie.Visitor<String> visitor(List<String> out) {
    return new SubscriptionTrie.Visitor<>() {
      @Override
      public void subscriber(String value) {
        out.add(value);
      }

      @Override
      public void shared(SubscriptionTrie.SharedGroup<String> group) {}
    };
  }
}
