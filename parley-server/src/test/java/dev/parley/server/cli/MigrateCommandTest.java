package dev.parley.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.store.StoreBackend;
import dev.parley.core.testing.StorageFixture;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Sync;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley migrate --to postgres} on a real embedded data directory and a real PostgreSQL:
 * the history moves, a second run copies nothing and still checks the counts, and a server on
 * PostgreSQL then continues every conversation (sequence numbers and conversation ids go on).
 */
class MigrateCommandTest {
  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private static Run migrate(String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of("migrate"));
    args.addAll(List.of(extra));
    int code = ParleyCommand.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anEmbeddedServersHistoryMovesIntoPostgres_resumably_andGoesOnThere() {
    try (StorageFixture database = StorageFixture.create(StoreBackend.POSTGRES)) {
      try (ImServer server = ImServer.builder().dataDir(dir).start()) {
        ImTestClient alice = server.login(Transport.TCP, "alice", "phone");
        for (int i = 1; i <= 3; i++) {
          alice.sendText("bob", "hello " + i);
        }
        alice.sendText("carol", "hi carol");
      }
      Map<String, String> pg = database.kernelConfig();
      String[] target = {"--to", "postgres", "--data.dir=" + dir, "--store.postgres.url=" + pg.get("store.postgres.url"),
          "--store.postgres.user=" + pg.get("store.postgres.user")};

      Run first = migrate(target);
      assertThat(first.code()).as(first.err()).isZero();
      assertThat(first.out()).containsPattern("im_messages\\s+sqlite\\s+4\\s+postgres\\s+4\\s+copied\\s+4\\s+ok")
          .containsPattern("im_conversations\\s+sqlite\\s+2\\s+postgres\\s+2\\s+copied\\s+2\\s+ok");
      Run again = migrate(target);
      assertThat(again.code()).as(again.err()).isZero();
      assertThat(again.out()).containsPattern("im_messages\\s+sqlite\\s+4\\s+postgres\\s+4\\s+copied\\s+0\\s+ok");

      ImServer.Builder b = ImServer.builder();
      pg.forEach(b::set);
      try (ImServer server = b.start()) {
        String cid = Ids.direct("alice", "bob");
        Frame sync = server.login(Transport.TCP, "bob", "laptop").call(Frame.newBuilder().setSync(Sync.newBuilder()
            .addCursors(Cursor.newBuilder().setConversation(cid).setSeq(0))));
        assertThat(sync.getSyncResult().getMessagesList()).extracting(Message::getText)
            .containsExactly("hello 1", "hello 2", "hello 3");
        ImTestClient alice = server.login(Transport.TCP, "alice", "laptop");
        assertThat(alice.sendText("bob", "on postgres").getSendAck().getSeq()).isEqualTo(4);
        // A new conversation takes the next id after the copied ones.
        assertThat(alice.sendText("dave", "first").getSendAck().getSeq()).isEqualTo(1);
        assertThat(server.storedMessages(Ids.direct("alice", "dave"))).isEqualTo(1);
      }
    }
  }

  @Test
  void aDatabaseWithOtherDataIsRefused_andRowsAddedAfterACopyShowAsDifferentCounts() {
    try (StorageFixture database = StorageFixture.create(StoreBackend.POSTGRES)) {
      try (ImServer server = ImServer.builder().dataDir(dir).start()) {
        server.login(Transport.TCP, "alice", "phone").sendText("bob", "one");
      }
      Map<String, String> pg = database.kernelConfig();
      ImServer.Builder b = ImServer.builder();
      pg.forEach(b::set);
      String[] target = {"--to", "postgres", "--data.dir=" + dir, "--store.postgres.url=" + pg.get("store.postgres.url"),
          "--store.postgres.user=" + pg.get("store.postgres.user")};
      try (StorageFixture other = StorageFixture.create(StoreBackend.POSTGRES)) {
        ImServer.Builder used = ImServer.builder();
        other.kernelConfig().forEach(used::set);
        try (ImServer server = used.start()) {
          server.login(Transport.TCP, "erin", "phone").sendText("frank", "only in postgres");
        }
        Map<String, String> o = other.kernelConfig();
        Run refused = migrate("--to", "postgres", "--data.dir=" + dir, "--store.postgres.url="
            + o.get("store.postgres.url"), "--store.postgres.user=" + o.get("store.postgres.user"));
        assertThat(refused.code()).isEqualTo(ParleyCommand.FAILED);
        assertThat(refused.err()).contains("already holds data (im_conversations: 1 rows)");
      }

      assertThat(migrate(target).code()).isZero();
      try (ImServer server = b.start()) {
        server.login(Transport.TCP, "erin", "phone").sendText("frank", "after the copy");
      }
      Run run = migrate(target);
      assertThat(run.code()).isEqualTo(ParleyCommand.FAILED);
      assertThat(run.out()).containsPattern("im_messages\\s+sqlite\\s+1\\s+postgres\\s+2\\s+copied\\s+0\\s+DIFFERENT");
      assertThat(run.err()).contains("row counts differ");
    }
  }

  @Test
  void withoutAPostgresUrlOrWithAnotherTargetItRefuses() {
    Run noUrl = migrate("--to", "postgres", "--data.dir=" + dir);
    assertThat(noUrl.code()).isEqualTo(ParleyCommand.CONFIG_ERROR);
    assertThat(noUrl.err()).contains("store.postgres.url");
    Run other = migrate("--to", "mysql", "--data.dir=" + dir);
    assertThat(other.code()).isEqualTo(ParleyCommand.CONFIG_ERROR);
    assertThat(other.err()).contains("the one target is postgres");
    Run noData = migrate("--to", "postgres", "--data.dir=" + dir, "--store.postgres.url=jdbc:postgresql://127.0.0.1:1/x");
    assertThat(noData.code()).isEqualTo(ParleyCommand.CONFIG_ERROR);
    assertThat(noData.err()).contains("no SQLite database at");
  }
}
