package dev.parley.im.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.Ids;
import dev.parley.protocol.Varint;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Custom;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.History;
import dev.parley.protocol.im.ListConversations;
import dev.parley.protocol.im.Logout;
import dev.parley.protocol.im.MarkRead;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.PresenceSubscribe;
import dev.parley.protocol.im.Recall;
import dev.parley.protocol.im.Send;
import dev.parley.protocol.im.Sync;
import dev.parley.protocol.im.Typing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the fuzz targets' seed corpora from real traffic: the test client talks to a real server
 * over TCP, WebSocket binary and WebSocket JSON (login, heartbeats, sends, acks, receipts, sync,
 * history, groups, presence, typing, recall, a refusal, logout) and every byte each side put on
 * the wire is saved, whole sessions and frame by frame, named after what they are. Run by hand
 * when the protocol changes:
 * {@code mvn -pl parley-im -am test -Dtest=CorpusCaptureTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dparley.capture-corpus=$PWD}.
 */
@EnabledIfSystemProperty(named = "parley.capture-corpus", matches = ".+")
class CorpusCaptureTest {
  /** One side of one connection: the units it put on the wire, in order. */
  static final class Recording implements ImTestClient.Tap {
    final List<byte[]> sent = new ArrayList<>();
    final List<Boolean> sentText = new ArrayList<>();
    final ByteArrayOutputStream receivedStream = new ByteArrayOutputStream();
    final List<byte[]> receivedMessages = new ArrayList<>();
    final List<Boolean> receivedText = new ArrayList<>();

    @Override
    public synchronized void sent(byte[] bytes, boolean text) {
      sent.add(bytes.clone());
      sentText.add(text);
    }

    @Override
    public synchronized void received(byte[] bytes, boolean text) {
      receivedStream.writeBytes(bytes);
      receivedMessages.add(bytes.clone());
      receivedText.add(text);
    }
  }

  @Test
  void captureRealTrafficAsSeedCorpora() throws IOException {
    Path root = Path.of(System.getProperty("parley.capture-corpus"));
    Path imDecoder = root.resolve("parley-im/src/test/resources/dev/parley/im/net/ImFrameDecoderFuzzTestInputs"
        + "/anyBytesDecodeOrAreReportedMalformed");
    Path ws = root.resolve("parley-im/src/test/resources/dev/parley/im/net/ImWebSocketInboundFuzzTestInputs"
        + "/anyMessageDecodesOrIsReportedMalformed");
    Path reader = root.resolve("parley-protocol/src/test/resources/dev/parley/protocol/FrameReaderFuzzTestInputs"
        + "/anyBytesDecodeOrFailCleanly");
    try (ImServer s = ImServer.builder().set("im.ack-timeout", "10s").start()) {
      for (Transport t : Transport.values()) {
        String name = t.name().toLowerCase(Locale.ROOT).replace('_', '-');
        Recording alice = new Recording();
        Recording bob = new Recording();
        converse(s, t, alice, bob);
        if (t == Transport.TCP) {
          writeStream(imDecoder, "tcp-client-alice-session", alice.sent);
          writeStream(imDecoder, "tcp-client-bob-session", bob.sent);
          writeUnits(imDecoder, "tcp-client-alice", alice.sent);
          writeUnits(imDecoder, "tcp-client-bob", bob.sent);
          write(reader, "tcp-server-to-alice-session", alice.receivedStream.toByteArray());
          write(reader, "tcp-server-to-bob-session", bob.receivedStream.toByteArray());
          writeUnits(reader, "tcp-server-to-alice", split(alice.receivedStream.toByteArray()));
          writeUnits(reader, "tcp-server-to-bob", split(bob.receivedStream.toByteArray()));
        } else {
          writeMessages(ws, name + "-client-alice", alice.sent, alice.sentText);
          writeMessages(ws, name + "-client-bob", bob.sent, bob.sentText);
          writeMessages(ws, name + "-server-to-alice", alice.receivedMessages, alice.receivedText);
          writeMessages(ws, name + "-server-to-bob", bob.receivedMessages, bob.receivedText);
        }
      }
    }
  }

  /** Alice and Bob use most of the protocol once. */
  private static void converse(ImServer s, Transport t, Recording aliceTap, Recording bobTap) {
    String alice = "alice-" + t.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String bob = "bob-" + t.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String cid = Ids.direct(alice, bob);
    ImTestClient a = s.connect(t).tap(aliceTap);
    assertThat(a.login(s.token(alice), "phone-1").hasLoginOk()).isTrue();
    int beats = a.heartbeatsReceived();
    a.heartbeat();
    await().atMost(Duration.ofSeconds(5)).until(() -> a.heartbeatsReceived() > beats);
    ImTestClient b = s.connect(t).tap(bobTap);
    assertThat(b.login(s.token(bob), "laptop").hasLoginOk()).isTrue();
    a.call(Frame.newBuilder().setPresenceSubscribe(PresenceSubscribe.newBuilder().addUsers(bob)));
    assertThat(a.sendText(bob, "hello, bob").hasSendAck()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.pushed().size() == 1);
    b.ack(cid, 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> a.drainEvents().stream().anyMatch(Frame::hasReceipt));
    b.call(Frame.newBuilder().setMarkRead(MarkRead.newBuilder().setConversation(cid).setSeq(1)));
    b.send(Frame.newBuilder().setTyping(Typing.newBuilder().setConversation(cid).setTyping(true)).build());
    b.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("b-1").setToUser(alice)
        .setKind(MessageKind.MESSAGE_KIND_CUSTOM).setText("where I am").setCustom(Custom.newBuilder()
            .setType("location").setData(com.google.protobuf.ByteString.copyFromUtf8("52.52,13.40")))));
    a.call(Frame.newBuilder().setSync(Sync.newBuilder().addCursors(Cursor.newBuilder().setConversation(cid)
        .setSeq(1)).setLimit(200)));
    a.send(Frame.newBuilder().setAck(Ack.newBuilder().addCursors(Cursor.newBuilder().setConversation(cid)
        .setSeq(2))).build());
    a.call(Frame.newBuilder().setHistory(History.newBuilder().setConversation(cid).setLimit(20)));
    a.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()));
    Frame group = a.call(Frame.newBuilder().setGroupCreate(GroupCreate.newBuilder().setName("friends")
        .addMembers(bob)));
    a.sendToConversation(group.getGroupInfo().getConversation(), "a-g1", "hi all");
    Frame mine = a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("a-2").setToUser(bob)
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText("oops")));
    a.call(Frame.newBuilder().setRecall(Recall.newBuilder().setClientId("a-2").setConversation(cid)
        .setSeq(mine.getSendAck().getSeq())));
    // Refused: a direct conversation with oneself.
    a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("a-3").setToUser(alice)
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText("me")));
    await().atMost(Duration.ofSeconds(5)).until(() -> b.pushed().size() >= 4);
    b.call(Frame.newBuilder().setLogout(Logout.getDefaultInstance()));
    a.call(Frame.newBuilder().setLogout(Logout.getDefaultInstance()));
    await().atMost(Duration.ofSeconds(5)).until(() -> a.isClosed() && b.isClosed());
  }

  /** Splits a TCP stream at its frame boundaries (the varint length prefixes). */
  private static List<byte[]> split(byte[] stream) {
    List<byte[]> out = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      long packed = Varint.read(ByteBuffer.wrap(stream, at, stream.length - at));
      assertThat(packed).isNotNegative();
      int end = at + Varint.readLength(packed) + Varint.readValue(packed);
      out.add(java.util.Arrays.copyOfRange(stream, at, end));
      at = end;
    }
    return out;
  }

  private static void writeStream(Path dir, String name, List<byte[]> units) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    units.forEach(all::writeBytes);
    write(dir, name, all.toByteArray());
  }

  private static void writeUnits(Path dir, String prefix, List<byte[]> units) throws IOException {
    for (int i = 0; i < units.size(); i++) {
      write(dir, String.format("%s-%02d-%s", prefix, i + 1, tcpKind(units.get(i))), units.get(i));
    }
  }

  /** WebSocket messages with the target's first byte: 0 binary, 1 text. */
  private static void writeMessages(Path dir, String prefix, List<byte[]> messages, List<Boolean> text)
      throws IOException {
    for (int i = 0; i < messages.size(); i++) {
      byte[] m = messages.get(i);
      byte[] input = new byte[m.length + 1];
      input[0] = (byte) (text.get(i) ? 1 : 0);
      System.arraycopy(m, 0, input, 1, m.length);
      write(dir, String.format("%s-%02d-%s", prefix, i + 1, wsKind(m, text.get(i))), input);
    }
  }

  private static String tcpKind(byte[] unit) {
    if (unit.length == 1 && unit[0] == 0) {
      return "heartbeat";
    }
    long packed = Varint.read(ByteBuffer.wrap(unit));
    try {
      return kind(FrameCodec.parse(unit, Varint.readLength(packed), unit.length - Varint.readLength(packed)));
    } catch (dev.parley.protocol.FrameException e) {
      return "raw";
    }
  }

  private static String wsKind(byte[] m, boolean text) {
    if (m.length == 0) {
      return "heartbeat";
    }
    try {
      return kind(text ? dev.parley.protocol.JsonFrames.fromJson(new String(m, java.nio.charset.StandardCharsets.UTF_8))
          : Frame.parseFrom(m));
    } catch (Exception e) {
      return "raw";
    }
  }

  private static String kind(Frame f) {
    String body = f.getBodyCase().name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (f.hasError()) {
      body += "-" + f.getError().getCode().name().substring("ERROR_CODE_".length()).toLowerCase(Locale.ROOT)
          .replace('_', '-');
    }
    return body;
  }

  private static void write(Path dir, String name, byte[] bytes) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), bytes);
  }
}
