package dev.parley.im.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.im.session.Directory.Cause;
import dev.parley.im.session.Directory.Kick;
import dev.parley.im.testing.RecordingSession;
import dev.parley.protocol.im.Platform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalDirectoryTest {
  private final List<Transition> transitions = new ArrayList<>();
  private final LocalDirectory directory = new LocalDirectory(transitions::add);

  private static RecordingSession session(String user, String device, Platform platform, long opened) {
    return new RecordingSession(user, device, platform, opened, null);
  }

  @Test
  void firstSessionBringsTheUserOnlineAndTheLastTakesThemOffline() {
    RecordingSession a = session("alice", "d1", Platform.PLATFORM_WEB, 1);
    RecordingSession b = session("alice", "d2", Platform.PLATFORM_IOS, 2);

    assertThat(directory.register(a, KickPolicy.SAME_DEVICE, 10)).isEmpty();
    assertThat(directory.register(b, KickPolicy.SAME_DEVICE, 10)).isEmpty();
    assertThat(directory.isOnline("alice")).isTrue();
    assertThat(directory.sessions("alice")).containsExactly(a, b);
    assertThat(directory.sessionCount()).isEqualTo(2);
    assertThat(directory.onlineUsers()).isEqualTo(1);

    assertThat(directory.unregister(a)).isFalse();
    assertThat(directory.sessionCount()).isEqualTo(1);
    assertThat(directory.unregister(b)).isTrue();

    assertThat(transitions).containsExactly(new Transition("alice", true), new Transition("alice", false));
    assertThat(directory.isOnline("alice")).isFalse();
    assertThat(directory.sessions("alice")).isEmpty();
    assertThat(directory.sessionCount()).isZero();
    assertThat(directory.onlineUsers()).isZero();
  }

  @Test
  void unregisteringOneSessionKeepsTheOthersInOrder() {
    RecordingSession[] s = new RecordingSession[4];
    for (int i = 0; i < s.length; i++) {
      s[i] = session("alice", "d" + i, Platform.PLATFORM_WEB, i);
      directory.register(s[i], KickPolicy.NONE, 10);
    }

    directory.unregister(s[1]);
    assertThat(directory.sessions("alice")).containsExactly(s[0], s[2], s[3]);
    directory.unregister(s[0]);
    assertThat(directory.sessions("alice")).containsExactly(s[2], s[3]);
    directory.unregister(s[3]);
    assertThat(directory.sessions("alice")).containsExactly(s[2]);
    assertThat(directory.sessionCount()).isEqualTo(1);
  }

  @Test
  void unregisteringAnUnknownSessionChangesNothing() {
    RecordingSession a = session("alice", "d1", Platform.PLATFORM_WEB, 1);
    directory.register(a, KickPolicy.SAME_DEVICE, 10);

    assertThat(directory.unregister(session("alice", "d2", Platform.PLATFORM_WEB, 2))).isFalse();
    assertThat(directory.unregister(session("bob", "d1", Platform.PLATFORM_WEB, 3))).isFalse();

    assertThat(directory.sessions("alice")).containsExactly(a);
    assertThat(directory.sessionCount()).isEqualTo(1);
    assertThat(transitions).containsExactly(new Transition("alice", true));
  }

  @Test
  void sameDevicePolicyReplacesTheOlderSessionOfThatDeviceOnly() {
    RecordingSession phone = session("alice", "phone", Platform.PLATFORM_IOS, 1);
    RecordingSession web = session("alice", "web", Platform.PLATFORM_WEB, 2);
    RecordingSession phoneAgain = session("alice", "phone", Platform.PLATFORM_IOS, 3);
    directory.register(phone, KickPolicy.SAME_DEVICE, 10);
    directory.register(web, KickPolicy.SAME_DEVICE, 10);

    List<Kick> kicked = directory.register(phoneAgain, KickPolicy.SAME_DEVICE, 10);

    assertThat(kicked).containsExactly(new Kick(phone, Cause.REPLACED));
    assertThat(directory.sessions("alice")).containsExactly(web, phoneAgain);
    assertThat(directory.sessionCount()).isEqualTo(2);
    assertThat(transitions).containsExactly(new Transition("alice", true));
  }

  @Test
  void samePlatformPolicyReplacesTheOlderSessionOfThatPlatform() {
    RecordingSession web1 = session("alice", "tab1", Platform.PLATFORM_WEB, 1);
    RecordingSession phone = session("alice", "phone", Platform.PLATFORM_IOS, 2);
    RecordingSession web2 = session("alice", "tab2", Platform.PLATFORM_WEB, 3);
    directory.register(web1, KickPolicy.SAME_PLATFORM, 10);
    directory.register(phone, KickPolicy.SAME_PLATFORM, 10);

    assertThat(directory.register(web2, KickPolicy.SAME_PLATFORM, 10)).containsExactly(new Kick(web1, Cause.REPLACED));
    assertThat(directory.sessions("alice")).containsExactly(phone, web2);
  }

  @Test
  void nonePolicyReplacesNobody() {
    RecordingSession a = session("alice", "phone", Platform.PLATFORM_IOS, 1);
    RecordingSession b = session("alice", "phone", Platform.PLATFORM_IOS, 2);
    directory.register(a, KickPolicy.NONE, 10);

    assertThat(directory.register(b, KickPolicy.NONE, 10)).isEmpty();
    assertThat(directory.sessions("alice")).containsExactly(a, b);
  }

  @Test
  void lateLoginOnAnOlderConnectionIsTheStaleOneAndReplacesNothing() {
    RecordingSession current = session("alice", "phone", Platform.PLATFORM_IOS, 20);
    RecordingSession late = session("alice", "phone", Platform.PLATFORM_IOS, 10);
    directory.register(current, KickPolicy.SAME_DEVICE, 10);

    assertThat(directory.register(late, KickPolicy.SAME_DEVICE, 10)).containsExactly(new Kick(late, Cause.STALE));
    assertThat(directory.sessions("alice")).containsExactly(current);
    assertThat(directory.sessionCount()).isEqualTo(1);
  }

  @Test
  void loginOnAConnectionOpenedAtTheSameInstantReplaces() {
    RecordingSession first = session("alice", "phone", Platform.PLATFORM_IOS, 10);
    RecordingSession second = session("alice", "phone", Platform.PLATFORM_IOS, 10);
    directory.register(first, KickPolicy.SAME_DEVICE, 10);

    assertThat(directory.register(second, KickPolicy.SAME_DEVICE, 10)).containsExactly(new Kick(first, Cause.REPLACED));
    assertThat(directory.sessions("alice")).containsExactly(second);
  }

  @Test
  void overTheCapTheOldestSessionsGo() {
    RecordingSession a = session("alice", "a", Platform.PLATFORM_WEB, 1);
    RecordingSession b = session("alice", "b", Platform.PLATFORM_WEB, 2);
    RecordingSession c = session("alice", "c", Platform.PLATFORM_WEB, 3);
    assertThat(directory.register(a, KickPolicy.SAME_DEVICE, 2)).isEmpty();
    assertThat(directory.register(b, KickPolicy.SAME_DEVICE, 2)).isEmpty();

    assertThat(directory.register(c, KickPolicy.SAME_DEVICE, 2)).containsExactly(new Kick(a, Cause.OVER_CAP));
    assertThat(directory.sessions("alice")).containsExactly(b, c);
    assertThat(directory.sessionCount()).isEqualTo(2);
  }

  @Test
  void forEachVisitsEverySessionOfEveryUser() {
    RecordingSession a = session("alice", "a", Platform.PLATFORM_WEB, 1);
    RecordingSession b = session("alice", "b", Platform.PLATFORM_WEB, 2);
    RecordingSession c = session("bob", "c", Platform.PLATFORM_WEB, 3);
    directory.register(a, KickPolicy.SAME_DEVICE, 10);
    directory.register(b, KickPolicy.SAME_DEVICE, 10);
    directory.register(c, KickPolicy.SAME_DEVICE, 10);

    List<Session> seen = new ArrayList<>();
    directory.forEach(seen::add);

    assertThat(seen).containsExactlyInAnyOrder(a, b, c);
    assertThat(directory.onlineUsers()).isEqualTo(2);
    assertThat(directory.sessionCount()).isEqualTo(3);
  }

  @Test
  void staleLoginKicksOnlyItselfEvenWhenAnOlderSessionMatchedFirst() {
    // Two sessions of one device, as a NONE policy leaves them; then a same-device login on a
    // connection between the two: the newer one makes it stale, so the older one stays too.
    RecordingSession older = session("alice", "phone", Platform.PLATFORM_IOS, 10);
    RecordingSession newer = session("alice", "phone", Platform.PLATFORM_IOS, 30);
    directory.register(older, KickPolicy.NONE, 10);
    directory.register(newer, KickPolicy.NONE, 10);
    RecordingSession between = session("alice", "phone", Platform.PLATFORM_IOS, 20);

    assertThat(directory.register(between, KickPolicy.SAME_DEVICE, 10)).containsExactly(new Kick(between, Cause.STALE));
    assertThat(directory.sessions("alice")).containsExactly(older, newer);
  }
}
