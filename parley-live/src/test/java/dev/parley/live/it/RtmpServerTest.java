package dev.parley.live.it;

import static dev.parley.live.it.LiveFixture.connect;
import static dev.parley.live.it.LiveFixture.sendFrames;
import static dev.parley.live.it.LiveFixture.sendHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.live.testing.RtmpClient;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RtmpServerTest {
  @Test
  void newViewerGetsMetadataHeadersThenTheGopFromItsKeyframe() throws Exception {
    try (TestKernel k = LiveFixture.server().start();
        RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 37, 25, 300); // a keyframe at 0 and 25: the cache holds 25..36
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        player.play("cam").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() >= 12);
        List<RtmpMessage> media = rec.media;
        assertThat(new String(media.get(0).payload(), 3, 17)).isEqualTo("|RtmpSampleAccess");
        assertThat(new String(media.get(1).payload(), 3, 10)).isEqualTo("onMetaData");
        assertThat(media.get(1).timestamp()).isZero();
        assertThat(media.get(2).payload()).isEqualTo(FakeEncoder.avcConfig());
        assertThat(media.get(3).payload()).isEqualTo(FakeEncoder.aacConfig());
        RtmpMessage first = rec.pictures().get(0);
        assertThat(first.payload()[0]).isEqualTo((byte) 0x17); // a keyframe, at once
        assertThat(FakeEncoder.index(first.payload())).isEqualTo(25);
        assertThat(rec.statuses).containsSequence("NetStream.Play.Reset", "NetStream.Play.Start");
        sendFrames(pub, 0, 37, 40, 25, 300);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 15);
        assertThat(rec.pictures().stream().map(m -> FakeEncoder.index(m.payload())).toList())
            .containsExactly(25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39);
      }
    }
  }

  @Test
  void withoutGopCacheANewViewerWaitsForTheNextKeyframe() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.gop-cache.enabled", "false").start();
        RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 30, 25, 300);
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        player.play("cam").get(5, TimeUnit.SECONDS);
        sendFrames(pub, 0, 30, 55, 25, 300);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() >= 5);
        assertThat(FakeEncoder.index(rec.pictures().get(0).payload())).isEqualTo(50);
        assertThat(rec.media.get(2).payload()).isEqualTo(FakeEncoder.avcConfig()); // headers still come first
      }
    }
  }

  @Test
  void viewerWaitingForAStreamStartsWhenItIsPublished() throws Exception {
    try (TestKernel k = LiveFixture.server().start()) {
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec); RtmpClient pub = connect(k, "live")) {
        player.play("later").get(5, TimeUnit.SECONDS);
        pub.publish("later").get(5, TimeUnit.SECONDS);
        sendHeaders(pub);
        sendFrames(pub, 0, 0, 10, 25, 300);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 10);
        assertThat(rec.statuses).contains("NetStream.Play.Start", "NetStream.Play.PublishNotify");
        assertThat(rec.pictures().get(0).payload()[0]).isEqualTo((byte) 0x17);
      }
    }
  }

  @Test
  void secondPublisherOfALiveStreamIsRefusedWithBadName() throws Exception {
    try (TestKernel k = LiveFixture.server().start();
        RtmpClient first = connect(k, "live"); RtmpClient second = connect(k, "live")) {
      first.publish("taken").get(5, TimeUnit.SECONDS);
      sendHeaders(first);
      assertThatThrownBy(() -> second.publish("taken").get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("NetStream.Publish.BadName");
      await().atMost(Duration.ofSeconds(5)).until(() -> !second.channel().isActive());
      assertThat(first.channel().isActive()).isTrue();
      // The same name in another app is another stream.
      try (RtmpClient other = connect(k, "other")) {
        other.publish("taken").get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void reconnectingPublisherTakesItsSilentStreamBackAndViewersFollow() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.publish.takeover-idle", "3s").start()) {
      RtmpClient old = connect(k, "live");
      old.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(old);
      sendFrames(old, 0, 0, 10, 25, 300);
      // The old connection goes silent (a dead network path); after the idle window a new one takes over.
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        player.play("cam").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 10);
        LiveFixture.time(k).advance(Duration.ofMillis(2999));
        try (RtmpClient early = connect(k, "live")) {
          assertThatThrownBy(() -> early.publish("cam").get(5, TimeUnit.SECONDS))
              .hasMessageContaining("NetStream.Publish.BadName").hasMessageContaining("already being published");
        }
        assertThat(old.channel().isActive()).isTrue();
        LiveFixture.time(k).advance(Duration.ofMillis(1));
        RtmpClient fresh = connect(k, "live");
        fresh.publish("cam").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> !old.channel().isActive());
        sendHeaders(fresh);
        sendFrames(fresh, 0, 0, 5, 25, 300); // the new encoder restarts its clock at 0
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 15);
        // A takeover is a reconnect without a gap: players built on libavformat would stop at UnpublishNotify.
        assertThat(rec.statuses).doesNotContain("NetStream.Play.UnpublishNotify", "NetStream.Play.PublishNotify");
        assertThat(rec.video().stream().filter(m -> m.payload()[1] == 0)).hasSize(2); // the new sequence header
        // Viewers' timestamps never go back across the takeover.
        List<RtmpMessage> pics = rec.pictures();
        assertThat(pics.get(10).timestamp()).isGreaterThan(pics.get(9).timestamp());
        fresh.close();
      }
    }
  }

  /** Waits until the server has taken the publisher of {@code app/stream} off (its connection closed). */
  static void awaitUnpublished(TestKernel k, String key) {
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      for (var s : new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/streams", null).json().path("streams")) {
        if ((s.path("app").asText() + "/" + s.path("name").asText()).equals(key)) {
          return false;
        }
      }
      return true;
    });
  }

  @Test
  void encoderReconnectingWithinTheGraceKeepsRtmpPlayersPlayingWithoutNotices() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.publish.reconnect-grace", "10s").start()) {
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        RtmpClient first = connect(k, "live");
        first.publish("cam").get(5, TimeUnit.SECONDS);
        player.play("cam").get(5, TimeUnit.SECONDS);
        sendHeaders(first);
        sendFrames(first, 0, 0, 10, 25, 300);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 10);
        first.close(); // the encoder drops
        awaitUnpublished(k, "live/cam");
        LiveFixture.time(k).advance(Duration.ofMillis(9999));
        try (RtmpClient second = connect(k, "live")) {
          second.publish("cam").get(5, TimeUnit.SECONDS);
          sendHeaders(second);
          sendFrames(second, 0, 0, 5, 25, 300); // its clock starts at 0 again
          await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 15);
          assertThat(rec.statuses).containsExactly("NetStream.Play.Reset", "NetStream.Play.Start");
          List<RtmpMessage> pics = rec.pictures();
          assertThat(pics.get(10).timestamp()).isGreaterThan(pics.get(9).timestamp());
          assertThat(player.channel().isActive()).isTrue();
        }
        awaitUnpublished(k, "live/cam");
        var unpublished = player.awaitStatus("NetStream.Play.UnpublishNotify");
        LiveFixture.time(k).advance(Duration.ofSeconds(10)); // this time nobody comes back
        unpublished.get(5, TimeUnit.SECONDS);
        try (RtmpClient third = connect(k, "live")) {
          var back = player.awaitStatus("NetStream.Play.PublishNotify");
          third.publish("cam").get(5, TimeUnit.SECONDS);
          back.get(5, TimeUnit.SECONDS); // a player told of the end hears of the new start
        }
      }
    }
  }

  @Test
  void metadataRepeatedMidStreamGoesToPlayersAtTimeZero() throws Exception {
    try (TestKernel k = LiveFixture.server().start(); RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec); FlvReader flv = new FlvReader(k.httpBase() + "/live/cam.flv")) {
        player.play("cam").get(5, TimeUnit.SECONDS);
        sendFrames(pub, 0, 0, 5, 25, 300);
        pub.send(MessageType.DATA_AMF0, 5000, FakeEncoder.metadata()); // GStreamer repeats onMetaData, timed
        byte[] cue = FakeEncoder.data("onCuePoint");
        pub.send(MessageType.DATA_AMF0, 180, cue); // other data keeps its media time
        sendFrames(pub, 0, 5, 10, 25, 300);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 10 && flv.pictures().size() == 10);
        List<RtmpMessage> data = rec.media.stream().filter(m -> m.type() == MessageType.DATA_AMF0
            && m.payload()[3] != '|').toList();
        assertThat(data).hasSize(3); // onMetaData on join, again, then onCuePoint
        assertThat(data.get(1).timestamp()).isZero();
        assertThat(data.get(2).timestamp()).isEqualTo(180);
        List<FlvReader.Tag> tags = flv.tags.stream().filter(t -> t.type() == 18).toList();
        assertThat(tags).hasSize(3);
        assertThat(tags.get(1).timestamp()).isZero();
        assertThat(tags.get(2).timestamp()).isEqualTo(180);
      }
    }
  }

  @Test
  void framesWaitForTheMergeWindowThenGoOutTogether() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.viewer.merge-writes", "50ms").start();
        RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        player.play("cam").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.media.size() == 4); // the join: never held
        sendFrames(pub, 0, 0, 3, 25, 300); // waits until the server has them
        LiveFixture.time(k).advance(Duration.ofMillis(49));
        LiveFixture.assertAnswers(player); // written after anything already sent to the player
        assertThat(rec.pictures()).isEmpty();
        LiveFixture.time(k).advance(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 3);
      }
    }
  }

  @Test
  void takeoverOffRefusesEvenASilentPublisher() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.publish.takeover", "off").start();
        RtmpClient old = connect(k, "live"); RtmpClient fresh = connect(k, "live")) {
      old.publish("cam").get(5, TimeUnit.SECONDS);
      assertThatThrownBy(() -> fresh.publish("cam").get(5, TimeUnit.SECONDS)).hasMessageContaining("BadName");
    }
  }

  @Test
  void timestampsPastTheExtendedMarkSurviveEndToEnd() throws Exception {
    long base = 0x01000000L + 1234; // beyond 4 h 39 min 37 s
    try (TestKernel k = LiveFixture.server().start();
        RtmpClient pub = connect(k, "live")) {
      pub.setChunkSize(128); // small chunks: every frame spans type-3 chunks with extended timestamps
      pub.publish("late").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        player.play("late").get(5, TimeUnit.SECONDS);
        sendFrames(pub, base, 0, 5, 25, 1000);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 5);
        assertThat(rec.pictures().stream().map(RtmpMessage::timestamp).toList())
            .containsExactly(base, base + 40, base + 80, base + 120, base + 160);
        assertThat(rec.pictures().get(4).payload()).isEqualTo(FakeEncoder.video(4, false, 1000));
      }
    }
  }

  @Test
  void slowViewerDropsToTheNextKeyframeWithBoundedQueue() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.viewer.max-queue", "256KiB").start();
        RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      LiveFixture.Recorder slowRec = new LiveFixture.Recorder();
      LiveFixture.Recorder fastRec = new LiveFixture.Recorder();
      try (RtmpClient slow = connect(k, "live", slowRec); RtmpClient fast = connect(k, "live", fastRec)) {
        slow.play("cam").get(5, TimeUnit.SECONDS);
        fast.play("cam").get(5, TimeUnit.SECONDS);
        slow.channel().config().setAutoRead(false); // stops reading: the server's queue for it fills
        int frames = 500;
        for (int i = 0; i < frames; i += 5) {
          sendFrames(pub, 0, i, i + 5, 25, 40_000); // 40 MB in all, far beyond socket buffers
          int upTo = i + 5;
          await().atMost(Duration.ofSeconds(10)).until(() -> fastRec.pictures().size() >= upTo);
        }
        String metrics = new HttpTestClient(k.httpBase()).get("/metrics", null).body();
        assertThat(metrics).containsPattern("parley_live_frames_dropped_total\\{kind=\"video\"[^}]*} [1-9]");
        slow.channel().config().setAutoRead(true);
        // It resumes at the first keyframe after its backlog has drained below half the bound. How
        // long the drain takes depends on the machine, so frames go on, a few at a time, until it has
        // resumed. They start in the middle of a GOP (frame 500, a keyframe, is skipped): what comes
        // before the next keyframe must be dropped even when the backlog has gone by then.
        AtomicInteger sent = new AtomicInteger(frames + 1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> {
          if (slowRec.pictures().stream().anyMatch(m -> FakeEncoder.index(m.payload()) >= frames)) {
            return true;
          }
          int from = sent.getAndAdd(5);
          sendFrames(pub, 0, from, from + 5, 25, 1000);
          return false;
        });
        int last = (sent.get() / 25 + 2) * 25 - 1; // to the end of the next whole GOP, all of which it gets
        sendFrames(pub, 0, sent.get(), last + 1, 25, 1000);
        sent.set(last + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> slowRec.pictures().stream()
            .anyMatch(m -> FakeEncoder.index(m.payload()) == last));
        List<Integer> got = slowRec.pictures().stream().map(m -> FakeEncoder.index(m.payload())).toList();
        assertThat(got.size()).isLessThan(frames); // it did drop
        assertThat(got.subList(got.size() - 25, got.size())).as("the last GOP whole")
            .isEqualTo(java.util.stream.IntStream.rangeClosed(last - 24, last).boxed().toList());
        for (int i = 1; i < got.size(); i++) {
          if (got.get(i) != got.get(i - 1) + 1) {
            assertThat(got.get(i) % 25).as("frame after a gap must be a keyframe: %s", got.get(i)).isZero();
          }
        }
        assertThat(fastRec.pictures()).hasSize(sent.get() - 1); // the fast viewer lost nothing
        long audio = slowRec.media.stream().filter(m -> m.type() == MessageType.AUDIO).count();
        assertThat(audio).isGreaterThan(got.size()); // audio kept flowing while video was dropped
      }
    }
  }

  @Test
  void garbageGetsTheConnectionClosedAndOthersCarryOn() throws Exception {
    try (TestKernel k = LiveFixture.server().start();
        RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      try (Socket s = new Socket("127.0.0.1", k.port("rtmp"))) {
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\n\r\n".getBytes());
        out.flush();
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        assertThat(in.read()).isEqualTo(-1); // closed without an answer
      }
      // A handshake followed by a chunk that starts with a type 1 header: a protocol error.
      pub.sendRaw(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {0x45, 0, 0, 0, 0, 0, 1, 8, 0}));
      await().atMost(Duration.ofSeconds(5)).until(() -> !pub.channel().isActive());
      try (RtmpClient again = connect(k, "live")) {
        again.publish("cam").get(5, TimeUnit.SECONDS); // the stream was released with the connection
      }
    }
  }

  @Test
  void clientThatNeverPublishesIsClosedAtTheDeadline() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.rtmp.handshake-timeout", "10s").start();
        RtmpClient idle = connect(k, "live")) {
      LiveFixture.time(k).advance(Duration.ofMillis(9999));
      assertThat(idle.call("getStreamLength", 0, null, "x").get(5, TimeUnit.SECONDS).get(0)).isEqualTo("_result");
      LiveFixture.time(k).advance(Duration.ofMillis(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> !idle.channel().isActive());
    }
  }

  @Test
  void publisherIsNotHeldToTheHandshakeDeadline() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.rtmp.handshake-timeout", "10s").start();
        RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      LiveFixture.time(k).advance(Duration.ofSeconds(11));
      assertThat(pub.call("getStreamLength", 0, null, "x").get(5, TimeUnit.SECONDS).get(0)).isEqualTo("_result");
    }
  }

  @Test
  void connectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.rtmp.idle-timeout", "30s").set("live.rtmp.ping-interval", "10m")
        .start(); RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS); // past the handshake deadline's reach
      LiveFixture.barrier(pub); // the last bytes the server reads from it
      LiveFixture.time(k).advance(Duration.ofMillis(29_999));
      LiveFixture.assertAnswers(pub); // still open: and this read starts the 30 s again
      LiveFixture.time(k).advance(Duration.ofMillis(29_999));
      LiveFixture.assertAnswers(pub);
      LiveFixture.time(k).advance(Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(5)).until(() -> !pub.channel().isActive());
    }
  }

  @Test
  void serverPingsEveryPingIntervalWithItsClockInTheValue() throws Exception {
    List<Integer> pings = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (TestKernel k = LiveFixture.server().set("live.rtmp.ping-interval", "10s").start();
        RtmpClient c = connect(k, "live", new RtmpClient.Listener() {
          @Override
          public void onPing(int value) {
            pings.add(value);
          }
        })) {
      c.publish("cam").get(5, TimeUnit.SECONDS);
      LiveFixture.time(k).advance(Duration.ofMillis(9999));
      LiveFixture.assertAnswers(c);
      assertThat(pings).isEmpty();
      LiveFixture.time(k).advance(Duration.ofMillis(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> pings.size() == 1);
      assertThat(pings.get(0)).isEqualTo((int) k.time().millis());
      LiveFixture.time(k).advance(Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> pings.size() == 2);
    }
  }

  @Test
  void commandSetAnswersLikeFlashMediaServer() throws Exception {
    try (TestKernel k = LiveFixture.server().start(); RtmpClient c = connect(k, "live")) {
      assertThat(c.call("releaseStream", 0, null, "cam").get(5, TimeUnit.SECONDS).get(0)).isEqualTo("_result");
      assertThat(c.call("FCPublish", 0, null, "cam").get(5, TimeUnit.SECONDS).get(0)).isEqualTo("_result");
      c.publish("cam").get(5, TimeUnit.SECONDS);
      assertThat(c.call("getStreamLength", 0, null, "cam").get(5, TimeUnit.SECONDS).get(3)).isEqualTo(0.0);
      assertThat(c.call("FCUnpublish", 0, null, "cam").get(5, TimeUnit.SECONDS).get(0)).isEqualTo("_result");
      var unpublished = c.awaitStatus("NetStream.Unpublish.Success");
      c.command(0, "deleteStream", 0, null, (double) c.streamId());
      unpublished.get(5, TimeUnit.SECONDS);
      try (RtmpClient other = connect(k, "live")) {
        other.publish("cam").get(5, TimeUnit.SECONDS); // deleteStream released the name at once
      }
      assertThat(c.call("noSuchCommand", 0, (Object) null)).failsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void amf3CommandMessagesWorkLikeAmf0Ones() throws Exception {
    try (TestKernel k = LiveFixture.server().start(); RtmpClient pub = connect(k, "live")) {
      pub.useAmf3Commands(true);
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        player.useAmf3Commands(true);
        player.play("cam").get(5, TimeUnit.SECONDS);
        sendHeaders(pub);
        sendFrames(pub, 0, 0, 3, 25, 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pictures().size() == 3);
      }
    }
  }

  @Test
  void playWithADurationStopsAfterIt() throws Exception {
    try (TestKernel k = LiveFixture.server().start(); RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        player.playDuration(0.3);
        var stopped = player.awaitStatus("NetStream.Play.Stop");
        player.play("cam").get(5, TimeUnit.SECONDS);
        LiveFixture.barrier(player); // the server has set the duration's timer with the play
        LiveFixture.time(k).advance(Duration.ofMillis(299));
        LiveFixture.assertAnswers(player);
        assertThat(stopped).isNotDone();
        LiveFixture.time(k).advance(Duration.ofMillis(1));
        stopped.get(5, TimeUnit.SECONDS);
        sendHeaders(pub);
        sendFrames(pub, 0, 0, 3, 25, 100);
        // The stopped player gets nothing more; a fresh one on the same stream does.
        LiveFixture.Recorder rec2 = new LiveFixture.Recorder();
        try (RtmpClient p2 = connect(k, "live", rec2)) {
          p2.play("cam").get(5, TimeUnit.SECONDS);
          sendFrames(pub, 0, 3, 6, 25, 100);
          await().atMost(Duration.ofSeconds(5)).until(() -> rec2.pictures().size() == 6);
        }
        assertThat(rec.pictures()).isEmpty();
      }
    }
  }

  @Test
  void withoutWaitingAPlayerOfAnUnpublishedStreamGetsStreamNotFound() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.play.wait-for-publisher", "false").start();
        RtmpClient player = connect(k, "live")) {
      assertThatThrownBy(() -> player.play("nobody").get(5, TimeUnit.SECONDS))
          .hasMessageContaining("NetStream.Play.StreamNotFound");
      assertThat(new HttpTestClient(k.httpBase()).get("/live/nobody.flv", null).status()).isEqualTo(404);
    }
  }

  @Test
  void enhancedRtmpHevcPassesThroughUntouched() throws Exception {
    byte[] config = {(byte) 0x90, 'h', 'v', 'c', '1', 1, 2, 3, 4}; // ExHeader, keyframe, SequenceStart, FourCC
    byte[] key = {(byte) 0x91, 'h', 'v', 'c', '1', 0, 0, 0, 9, 8, 7}; // keyframe, CodedFrames, cts 0
    byte[] inter = {(byte) 0xA3, 'h', 'v', 'c', '1', 6, 5, 4}; // inter frame, CodedFramesX
    try (TestKernel k = LiveFixture.server().start(); RtmpClient pub = connect(k, "live")) {
      pub.publish("hevc").get(5, TimeUnit.SECONDS);
      pub.send(MessageType.VIDEO, 0, config);
      pub.send(MessageType.VIDEO, 0, key);
      pub.send(MessageType.VIDEO, 40, inter);
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      try (RtmpClient player = connect(k, "live", rec)) {
        player.play("hevc").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.video().size() == 3);
        assertThat(rec.video().get(0).payload()).isEqualTo(config);
        assertThat(rec.video().get(1).payload()).isEqualTo(key); // the GOP starts at the enhanced keyframe
        assertThat(rec.video().get(2).payload()).isEqualTo(inter);
      }
      assertThat(new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/streams", null).json().path("streams").get(0)
          .path("video").path("codec").asText()).isEqualTo("hevc");
    }
  }

  @Test
  void complexHandshakeAnswerVerifies() throws Exception {
    try (TestKernel k = LiveFixture.server().start(); RtmpClient c = connect(k, "live")) {
      assertThat(c.handshakeVerified()).isTrue();
    }
  }
}
