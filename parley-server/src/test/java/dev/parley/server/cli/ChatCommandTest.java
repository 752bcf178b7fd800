package dev.parley.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.testing.ImServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code parley chat} driven through pipes, as a script (or a person) would. */
class ChatCommandTest {
  private static ImServer server;
  @TempDir
  Path state;

  @BeforeAll
  static void start() {
    server = ImServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** One running {@code parley chat}: what it printed, and a pipe to type into. */
  private final class Chat {
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final PipedOutputStream keys = new PipedOutputStream();
    final CompletableFuture<Integer> exit;

    Chat(String... args) throws IOException {
      PipedInputStream in = new PipedInputStream(keys, 1 << 16);
      PrintStream out = new PrintStream(syncOut(printed), true, StandardCharsets.UTF_8);
      exit = CompletableFuture.supplyAsync(() -> new CommandLine(new ChatCommand(in, out, out, false)).execute(args));
    }

    void type(String line) throws IOException {
      keys.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      keys.flush();
    }

    String screen() {
      synchronized (printed) {
        return printed.toString(StandardCharsets.UTF_8);
      }
    }

    void sees(String text) {
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> screen().contains(text));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("'" + text + "' never shown; the screen was:\n" + screen(), e);
      }
    }
  }

  private static OutputStream syncOut(ByteArrayOutputStream target) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (target) {
          target.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (target) {
          target.write(b, off, len);
        }
      }
    };
  }

  private Chat chat(String user) throws IOException {
    return new Chat("--user", user, "--server", "tcp://127.0.0.1:" + server.tcpPort(),
        "--http", "http://127.0.0.1:" + server.httpPort(), "--state-dir", state.toString());
  }

  @Test
  void twoUsersChatWithReceiptsPresenceAndAGroup() throws Exception {
    Chat bob = chat("bob");
    bob.sees("-- online as bob");
    Chat alice = chat("alice");
    alice.sees("-- online as alice");

    bob.type("/who alice");
    bob.sees("* alice is online");
    alice.type("/to bob");
    alice.type("hello bob");
    bob.sees("alice: hello bob  #1");
    alice.sees("me -> bob: hello bob  #1 sent");
    // Bob's terminal showed it, so Alice learns it was read.
    alice.sees("bob read up to #1");
    bob.type("@alice hi alice");
    alice.sees("bob: hi alice  #2");

    bob.type("/group create team alice");
    bob.sees("-- group #team created (id ");
    Matcher m = Pattern.compile("group #team created \\(id (\\S+)\\)").matcher(bob.screen());
    assertThat(m.find()).isTrue();
    String group = m.group(1);
    // Groups are named by their names, typed and shown; the id is for when names clash.
    bob.type("#team hi team");
    alice.sees("] #team bob: hi team");
    bob.sees("] me -> #team: hi team");
    alice.type("/list");
    alice.sees("  bob: ");
    alice.sees("  #team: ");
    assertThat(alice.screen()).doesNotContain("#" + group);

    // Someone added later learns the name from the server before the line is shown.
    Chat carol = chat("carol");
    carol.sees("-- online as carol");
    bob.type("/group add team carol");
    bob.sees("-- added");
    carol.sees("] #team * bob added carol");
    bob.type("#team welcome carol");
    carol.sees("] #team bob: welcome carol");
    assertThat(carol.screen()).doesNotContain("#" + group);
    // A rename is told to every member, and the new name is used from then on.
    bob.type("/group rename team crew");
    bob.sees("-- renamed");
    bob.type("#crew still here");
    carol.sees("] #crew bob: still here");
    alice.sees("] #crew bob: still here");
    carol.type("/quit");
    assertThat(carol.exit.get()).isZero();

    alice.type("/quit");
    assertThat(alice.exit.get()).isZero();
    bob.sees("* alice is offline");
    bob.keys.close();
    assertThat(bob.exit.get()).isZero();
  }

  @Test
  void aScriptCanPipeMessagesInAndTheyAreDeliveredBeforeItExits() throws Exception {
    Chat carol = chat("carol");
    carol.sees("-- online as carol");
    Chat dave = chat("dave");
    dave.type("/to carol");
    for (int i = 0; i < 5; i++) {
      dave.type("line " + i);
    }
    dave.keys.close();
    assertThat(dave.exit.get()).isZero();
    carol.sees("dave: line 4  #5");
    carol.type("/quit");
    assertThat(carol.exit.get()).isZero();
  }

  @Test
  void withoutAServerItSaysWhatIsWrong() throws Exception {
    Chat lost = new Chat("--user", "erin", "--http", "http://127.0.0.1:1", "--state-dir", state.toString());
    assertThat(lost.exit.get()).isEqualTo(1);
    assertThat(lost.screen()).contains("no server at http://127.0.0.1:1 (connection refused)");
  }

  @Test
  void aKickedSessionSaysOnceThatItIsOffline() throws Exception {
    Chat frank = chat("frank");
    frank.sees("-- online as frank");
    assertThat(server.http().admin("DELETE", "/api/v1/users/frank/sessions", null).status()).isLessThan(300);
    frank.sees("-- kicked by the server");
    frank.sees("-- offline (kicked)");
    assertThat(frank.screen()).doesNotContain("offline (offline");
    frank.type("/quit");
    assertThat(frank.exit.get()).isZero();
  }
}
