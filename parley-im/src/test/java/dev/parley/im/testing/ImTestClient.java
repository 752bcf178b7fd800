package dev.parley.im.testing;

import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameException;
import dev.parley.protocol.FrameReader;
import dev.parley.protocol.JsonFrames;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Platform;
import dev.parley.protocol.im.Send;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw IM client for tests: TCP (an {@link ImSocket}), WebSocket binary or WebSocket JSON. It sends
 * whatever it is told (including garbage), correlates answers by req, keeps every pushed message,
 * and can acknowledge pushes automatically. No retry, dedup or reconnect logic of its own: the
 * tests check the server's behaviour, not a client's.
 */
public final class ImTestClient implements AutoCloseable {
  /** The transports a test can pick. */
  public enum Transport { TCP, WS_BINARY, WS_JSON }

  /** Sees the bytes on the wire (to capture real traffic): TCP chunks, or whole WebSocket messages. */
  public interface Tap {
    void sent(byte[] bytes, boolean text);

    void received(byte[] bytes, boolean text);
  }

  private static final Tap NO_TAP = new Tap() {
    @Override
    public void sent(byte[] bytes, boolean text) {}

    @Override
    public void received(byte[] bytes, boolean text) {}
  };

  private final Transport transport;
  private final AtomicInteger reqs = new AtomicInteger();
  private final Map<Integer, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
  private final BlockingQueue<Frame> events = new LinkedBlockingQueue<>();
  private final List<Message> pushed = new CopyOnWriteArrayList<>();
  private final AtomicInteger heartbeats = new AtomicInteger();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile int closeStatus = -1;
  private final AtomicInteger textFrames = new AtomicInteger();
  private final AtomicInteger binaryFrames = new AtomicInteger();
  private volatile boolean autoAck;
  private volatile Tap tap = NO_TAP;
  private ImSocket tcp;
  private WebSocket ws;

  private ImTestClient(Transport transport) {
    this.transport = transport;
  }

  /** Connects to the server's TCP port or HTTP port (WebSocket at /im). */
  public static ImTestClient connect(Transport transport, int tcpPort, int httpPort) {
    return connect(transport, tcpPort, httpPort, null);
  }

  /** Connects over TLS (TCP) or wss (WebSocket) when {@code tls} is given. */
  public static ImTestClient connect(Transport transport, int tcpPort, int httpPort, javax.net.ssl.SSLContext tls) {
    ImTestClient c = new ImTestClient(transport);
    try {
      if (transport == Transport.TCP) {
        c.tcp = ImSocket.connect(tcpPort, tls, 5000, s -> { });
        c.readTcp();
      } else {
        HttpClient http = tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls).build();
        c.ws = http.newWebSocketBuilder()
            .buildAsync(URI.create((tls == null ? "ws" : "wss") + "://localhost:" + httpPort + "/im"), c.new Listener())
            .get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect", e);
    }
    return c;
  }

  public Transport transport() {
    return transport;
  }

  /** Hands every unit sent and received from now on to {@code t}. */
  public ImTestClient tap(Tap t) {
    this.tap = t;
    return this;
  }

  /** Acknowledge every push as it arrives (cumulatively, per conversation). */
  public ImTestClient autoAck(boolean on) {
    this.autoAck = on;
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /**
   * Sends a frame as is. Synchronised: acks go out from the reading thread while the test sends,
   * and the JDK WebSocket refuses a send while another is pending.
   */
  public synchronized void send(Frame frame) {
    try {
      switch (transport) {
        case TCP -> {
          byte[] b = FrameCodec.encode(frame);
          tap.sent(b, false);
          tcp.sendRaw(b);
        }
        case WS_BINARY -> {
          byte[] b = frame.toByteArray();
          tap.sent(b, false);
          ws.sendBinary(ByteBuffer.wrap(b), true).get(10, TimeUnit.SECONDS);
        }
        default -> {
          String json = JsonFrames.toJson(frame);
          tap.sent(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
          ws.sendText(json, true).get(10, TimeUnit.SECONDS);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("send failed", e);
    }
  }

  /** Sends raw bytes (TCP) or a raw binary message (WebSocket). */
  public synchronized void sendRaw(byte[] bytes) {
    tap.sent(bytes, false);
    try {
      if (transport == Transport.TCP) {
        tcp.sendRaw(bytes);
      } else {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("send failed", e);
    }
  }

  /** Sends raw text (WebSocket only). */
  public synchronized void sendText(String text) {
    tap.sent(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
    try {
      ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("send failed", e);
    }
  }

  public void heartbeat() {
    if (transport == Transport.TCP) {
      sendRaw(FrameCodec.heartbeat());
    } else if (transport == Transport.WS_JSON) {
      sendText("");
    } else {
      sendRaw(new byte[0]);
    }
  }

  /** Sends a request with a fresh req number; the future completes with its answer. */
  public CompletableFuture<Frame> request(Frame.Builder frame) {
    int req = reqs.incrementAndGet();
    CompletableFuture<Frame> f = new CompletableFuture<>();
    pending.put(req, f);
    send(frame.setReq(req).build());
    return f;
  }

  /** Sends a request and waits for its answer. */
  public Frame call(Frame.Builder frame) {
    try {
      return request(frame).get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no answer to " + frame.getBodyCase(), e);
    }
  }

  public Frame login(String token, String device, Platform platform) {
    return call(Frame.newBuilder().setLogin(Login.newBuilder().setProtocolVersion(1).setToken(token)
        .setDeviceId(device).setPlatform(platform)));
  }

  public Frame login(String token, String device) {
    return login(token, device, Platform.PLATFORM_DESKTOP);
  }

  public Frame sendText(String toUser, String text) {
    return call(Frame.newBuilder().setSend(Send.newBuilder().setClientId(UUID.randomUUID().toString())
        .setToUser(toUser).setKind(MessageKind.MESSAGE_KIND_TEXT).setText(text)));
  }

  public Frame sendToConversation(String conversation, String clientId, String text) {
    return call(Frame.newBuilder().setSend(Send.newBuilder().setClientId(clientId).setConversation(conversation)
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText(text)));
  }

  public void ack(String conversation, long seq) {
    send(Frame.newBuilder().setAck(Ack.newBuilder().addCursors(Cursor.newBuilder().setConversation(conversation)
        .setSeq(seq))).build());
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving

  /** Every message pushed so far, in arrival order (resends included). */
  public List<Message> pushed() {
    return new ArrayList<>(pushed);
  }

  /** Pushed message texts of one conversation, in arrival order (resends included). */
  public List<String> pushedTexts(String conversation) {
    List<String> out = new ArrayList<>();
    for (Message m : pushed) {
      if (m.getConversation().equals(conversation)) {
        out.add(m.getText());
      }
    }
    return out;
  }

  /** The next server-initiated frame that is not a push, waiting up to {@code timeout}. */
  public Frame nextEvent(Duration timeout) {
    try {
      Frame f = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new IllegalStateException("no event within " + timeout);
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Server-initiated frames other than pushes received so far and not yet taken. */
  public List<Frame> drainEvents() {
    List<Frame> out = new ArrayList<>();
    events.drainTo(out);
    return out;
  }

  public int heartbeatsReceived() {
    return heartbeats.get();
  }

  public CompletableFuture<Void> closedFuture() {
    return closed;
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** WebSocket text messages received (frames and heartbeats). */
  public int textMessagesReceived() {
    return textFrames.get();
  }

  /** WebSocket binary messages received (frames and heartbeats). */
  public int binaryMessagesReceived() {
    return binaryFrames.get();
  }

  /** The status of the server's WebSocket close frame (1000, 1009, ...); -1 before it or on TCP. */
  public int closeStatus() {
    return closeStatus;
  }

  private void onFrame(Frame f) {
    if (f.getReq() != 0) {
      CompletableFuture<Frame> p = pending.remove(f.getReq());
      if (p != null) {
        p.complete(f);
        return;
      }
    }
    if (f.hasPush()) {
      pushed.addAll(f.getPush().getMessagesList());
      if (autoAck) {
        Map<String, Long> max = new java.util.LinkedHashMap<>();
        for (Message m : f.getPush().getMessagesList()) {
          max.merge(m.getConversation(), m.getSeq(), Math::max);
        }
        Ack.Builder ack = Ack.newBuilder();
        max.forEach((c, s) -> ack.addCursors(Cursor.newBuilder().setConversation(c).setSeq(s)));
        try {
          send(Frame.newBuilder().setAck(ack).build());
        } catch (IllegalStateException closedAlready) {
          // The connection went away; the pushes will be synced.
        }
      }
      return;
    }
    events.add(f);
  }

  private void readTcp() {
    tcp.readInBackground("im-test-client-reader", new FrameReader.Sink() {
      @Override
      public void onFrame(Frame frame) {
        ImTestClient.this.onFrame(frame);
      }

      @Override
      public void onHeartbeat() {
        heartbeats.incrementAndGet();
      }
    }, chunk -> tap.received(chunk, false), () -> {
      closed.complete(null);
      pending.values().forEach(p -> p.completeExceptionally(new IllegalStateException("connection closed")));
    });
  }

  private final class Listener implements WebSocket.Listener {
    private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      binary.writeBytes(b);
      if (last) {
        byte[] all = binary.toByteArray();
        binary.reset();
        binaryFrames.incrementAndGet();
        tap.received(all, false);
        if (all.length == 0) {
          heartbeats.incrementAndGet();
        } else {
          try {
            onFrame(Frame.parseFrom(all));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String all = text.toString();
        text.setLength(0);
        textFrames.incrementAndGet();
        tap.received(all.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        if (all.isEmpty()) {
          heartbeats.incrementAndGet();
        } else {
          try {
            onFrame(JsonFrames.fromJson(all));
          } catch (FrameException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeStatus = statusCode;
      closed.complete(null);
      pending.values().forEach(p -> p.completeExceptionally(new IllegalStateException("connection closed")));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(null);
    }
  }

  /** Drops the connection without a goodbye (as a flaky network would). */
  public void cut() {
    try {
      if (tcp != null) {
        tcp.reset();
      } else {
        ws.abort();
      }
    } catch (RuntimeException e) {
      // already gone
    }
    closed.complete(null);
  }

  @Override
  public void close() {
    cut();
  }
}
