package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImSocket;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.FrameReader;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Send;
import dev.parley.protocol.im.Sync;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful stop (as on SIGTERM) and restart on the same data directory. The server runs on a
 * hand-moved clock, so the shutdown grace ends when the test says.
 */
class ShutdownTest {
  /** TestKernel's {@code server.shutdown-grace}. */
  static final Duration GRACE = Duration.ofSeconds(1);

  static CompletableFuture<Void> stopInBackground(ImServer s) {
    return CompletableFuture.runAsync(() -> s.kernel().stop());
  }

  @Test
  void stopTellsClientsToReconnectAndEverythingAckedSurvivesARestart() throws Exception {
    ManualTime time = new ManualTime();
    try (ImServer s = ImServer.builder().time(time).set("im.shutdown.reconnect-after", "1500ms").start()) {
      ImTestClient a = s.login(Transport.TCP, "sa", "d");
      ImTestClient b = s.login(Transport.WS_JSON, "sb", "d");
      ImTestClient silent = s.connect(Transport.WS_BINARY);
      for (int i = 0; i < 50; i++) {
        assertThat(a.sendText("sc", "kept-" + i).hasSendAck()).isTrue();
      }
      CompletableFuture<Void> stopped = stopInBackground(s);
      // Everyone connected is told, logged in or not.
      for (ImTestClient c : List.of(a, b, silent)) {
        Frame goAway = c.nextEvent(Duration.ofSeconds(5));
        assertThat(goAway.getGoAway().getReconnectAfterMs()).isEqualTo(1500);
      }
      // Until the grace is over the connections stay and are still served.
      assertThat(a.sendText("sc", "during-the-grace").hasSendAck()).isTrue();
      assertThat(stopped).isNotDone();
      time.advance(GRACE);
      stopped.get(30, TimeUnit.SECONDS);
      for (ImTestClient c : List.of(a, b, silent)) {
        await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
      }
      s.kernel().startAgain();
      ImTestClient c = s.login(Transport.TCP, "sc", "d");
      List<Message> got = c.call(Frame.newBuilder().setSync(Sync.getDefaultInstance())).getSyncResult()
          .getMessagesList();
      assertThat(got).hasSize(51);
      assertThat(got.get(50).getText()).isEqualTo("during-the-grace");
      // Numbering continues after the restart.
      assertThat(s.login(Transport.TCP, "sa", "d").sendText("sc", "after").getSendAck().getSeq()).isEqualTo(52);
    }
  }

  @Test
  void everyBusyClientGetsGoAwayAndAnAnswerToEverySendItWrote() throws Exception {
    ManualTime time = new ManualTime();
    try (ImServer s = ImServer.builder().time(time).set("im.rate.requests-per-second", "1000000")
        .set("im.rate.burst", "1000000").start()) {
      List<BusyClient> clients = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        clients.add(new BusyClient(s, "busy" + i));
      }
      clients.forEach(BusyClient::start);
      await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> c.answers.size() >= 50));

      CompletableFuture<Void> stopped = stopInBackground(s);
      await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().allMatch(c -> c.goAway));
      // The clients stop sending once told; the server keeps the connections and answers all.
      await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(BusyClient::allAnswered));
      assertThat(clients).noneMatch(c -> c.closed);
      time.advance(GRACE);
      stopped.get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().allMatch(c -> c.closed));

      int written = 0;
      for (BusyClient c : clients) {
        assertThat(c.unansweredAtClose).as("sends of %s unanswered when the server closed", c.user).isEmpty();
        assertThat(c.answers.values()).allMatch(f -> f.hasSendAck() || f.getError().getCode()
            == ErrorCode.ERROR_CODE_RATE_LIMITED || f.getError().getCode() == ErrorCode.ERROR_CODE_INTERNAL);
        written += c.written.size();
      }
      System.out.printf("shutdown: %d busy clients, %d sends written, every one answered%n", clients.size(),
          written);
    }
  }

  /** A raw TCP client that sends as fast as answers come back (64 in flight) until told to go away. */
  static final class BusyClient {
    final String user;
    final Set<Integer> written = ConcurrentHashMap.newKeySet();
    final Map<Integer, Frame> answers = new ConcurrentHashMap<>();
    final Semaphore window = new Semaphore(64);
    volatile boolean goAway;
    volatile boolean closed;
    volatile Set<Integer> unansweredAtClose;
    private final ImServer server;
    private ImSocket socket;

    BusyClient(ImServer server, String user) {
      this.server = server;
      this.user = user;
    }

    void start() {
      try {
        socket = ImSocket.connect(server.tcpPort());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      socket.readInBackground("busy-reader-" + user, new FrameReader.Sink() {
        @Override
        public void onFrame(Frame f) {
          if (f.hasGoAway()) {
            goAway = true;
          } else if (f.getReq() != 0 && (f.hasSendAck() || f.hasError())) {
            answers.put(f.getReq(), f);
            window.release();
          }
        }

        @Override
        public void onHeartbeat() {}
      }, this::closed);
      Thread writer = new Thread(this::write, "busy-writer-" + user);
      writer.setDaemon(true);
      writer.start();
    }

    boolean allAnswered() {
      return answers.keySet().containsAll(written);
    }

    private void write() {
      try {
        socket.send(Frame.newBuilder().setLogin(Login.newBuilder().setProtocolVersion(1)
            .setToken(server.token(user)).setDeviceId("d")).build());
        for (int req = 1; !goAway; req++) {
          if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            req--;
            continue;
          }
          if (goAway) {
            break;
          }
          written.add(req);
          socket.send(Frame.newBuilder().setReq(req).setSend(Send.newBuilder()
              .setClientId(user + "-" + req).setToUser("sink").setKind(MessageKind.MESSAGE_KIND_TEXT)
              .setText("busy " + req)).build());
        }
      } catch (IOException | InterruptedException e) {
        // The reader records what the close left unanswered.
      }
    }

    /** The connection is gone (closed or reset): what was written and not answered is recorded. */
    private void closed() {
      Set<Integer> missing = ConcurrentHashMap.newKeySet();
      missing.addAll(written);
      missing.removeAll(answers.keySet());
      unansweredAtClose = missing;
      closed = true;
    }
  }
}
