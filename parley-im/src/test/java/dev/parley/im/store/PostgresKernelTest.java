package dev.parley.im.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The whole server with {@code store.postgres.url} set: a message is delivered, kept in
 * PostgreSQL (not in an SQLite file in data.dir), and still there for sync after a restart.
 */
class PostgresKernelTest {
  @Test
  void aMessageSentOnPostgresIsDeliveredAndSurvivesARestart() {
    try (StorageFixture database = StorageFixture.create(StoreBackend.POSTGRES)) {
      ImServer.Builder b = ImServer.builder();
      database.kernelConfig().forEach(b::set);
      try (ImServer server = b.start()) {
        ImTestClient alice = server.login(Transport.TCP, "alice", "phone").autoAck(true);
        ImTestClient bob = server.login(Transport.WS_BINARY, "bob", "phone").autoAck(true);
        Frame ack = alice.sendText("bob", "stored in postgres");
        assertThat(ack.getSendAck().getSeq()).isEqualTo(1);
        String cid = Ids.direct("alice", "bob");
        await().atMost(Duration.ofSeconds(5)).until(() -> bob.pushedTexts(cid).contains("stored in postgres"));

        server.restart();

        assertThat(server.kernel().kernel().context().storage().backend()).isEqualTo(StoreBackend.POSTGRES);
        assertThat(Files.exists(server.kernel().dataDir().resolve("parley.db"))).isFalse();
        assertThat(server.storedMessages(cid)).isEqualTo(1);
        ImTestClient laptop = server.login(Transport.TCP, "bob", "laptop");
        Frame sync = laptop.call(Frame.newBuilder().setSync(Sync.newBuilder()
            .addCursors(Cursor.newBuilder().setConversation(cid).setSeq(0))));
        assertThat(sync.getSyncResult().getMessagesList()).extracting(Message::getText)
            .containsExactly("stored in postgres");
        // The sequence goes on where it was: the restarted server read it back from PostgreSQL.
        assertThat(server.login(Transport.TCP, "alice", "laptop").sendText("bob", "after").getSendAck().getSeq())
            .isEqualTo(2);
      }
    }
  }
}
