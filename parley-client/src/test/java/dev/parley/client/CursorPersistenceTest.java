package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.client.store.FileCursorStore;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Cursors saved by one process let the next sync only what it missed. */
class CursorPersistenceTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension();
  private final Clients clients = new Clients();
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    clients.close();
  }

  private Pair bob(String device) {
    Pair p = clients.tcp(SERVER.server(), SERVER.server().tcpPort(), "cp-bob",
        b -> b.deviceId(device).cursorStore(new FileCursorStore(dir)));
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
    return p;
  }

  @Test
  void aRestartedClientSyncsOnlyWhatItMissed() throws Exception {
    Pair alice = clients.tcp(SERVER.server(), "cp-alice");
    Pair first = bob("cp-phone");
    for (int i = 0; i < 5; i++) {
      alice.client().sendText("cp-bob", "early " + i);
    }
    await().until(() -> first.rec().messages.size() == 5);
    first.client().close();
    String conv = Ids.direct("cp-alice", "cp-bob");
    assertThat(new FileCursorStore(dir).load("cp-bob")).isEqualTo(Map.of(conv, 5L));
    assertThat(Files.list(dir)).hasSize(1);

    for (int i = 0; i < 3; i++) {
      alice.client().sendText("cp-bob", "late " + i);
    }
    await().until(() -> alice.rec().sent.size() == 8);
    Pair second = bob("cp-phone");
    await().until(() -> second.rec().messages.size() == 3);
    assertThat(second.rec().messages).extracting(Message::getText).containsExactly("late 0", "late 1", "late 2");
    // Nothing already seen comes again: a marker sent now arrives after anything still on its way.
    alice.client().sendText("cp-bob", "marker").result().join();
    await().until(() -> second.rec().messages.size() >= 4);
    assertThat(second.rec().messages).extracting(Message::getText).containsExactly("late 0", "late 1", "late 2", "marker");
    // The cursors moved on and are saved (after the save delay).
    await().until(() -> new FileCursorStore(dir).load("cp-bob").equals(Map.of(conv, 9L)));
  }
}
