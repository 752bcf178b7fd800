package dev.parley.im.chaos;

import dev.parley.im.testing.ImSocket;
import dev.parley.protocol.FrameReader;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Send;
import dev.parley.protocol.im.Sync;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * A device that does what an SDK must: resend unacknowledged sends with the same client id after
 * every reconnect, deliver messages to the app in seq order exactly once (buffering ahead of a
 * gap, syncing to fill it), acknowledge cumulatively, and reconnect whenever the link drops
 * (at once when told GoAway, as the SDK does). What it delivered is kept for the test to check,
 * and so is what it saw on the wire: refusals by code, and pushes that arrived out of seq order
 * on one connection (a message first seen on a connection after a later one of its conversation
 * was pushed there; resends of what it already has are not counted).
 */
public final class ChaosDevice {
  public record Sent(String clientId, String toUser, String text) {}

  private final String user;
  private final String deviceId;
  private final IntSupplier port;
  private final Supplier<String> token;
  private final ScheduledExecutorService timer;
  private final Object lock = new Object();

  /** Per conversation: the messages delivered to the app, in order. */
  private final Map<String, List<Message>> delivered = new HashMap<>();
  private final Map<String, TreeMap<Long, Message>> ahead = new HashMap<>();
  private final Map<String, Sent> outbox = new LinkedHashMap<>();
  /** Client id to the (conversation, seq) of its SendAck. */
  private final Map<String, String> acked = new HashMap<>();
  private ImSocket socket;
  private boolean loggedIn;
  private volatile boolean stopped;
  private int reqs;
  /** Per conversation, what this connection has received (pushes and syncs) and the highest seq pushed. */
  private final Map<String, Set<Long>> seenOnLink = new HashMap<>();
  private final Map<String, Long> maxPushedOnLink = new HashMap<>();
  public int connects;
  public int duplicatesDropped;
  public int gapSyncs;
  public int outOfOrderPushes;
  public int goAways;
  /** Errors answering this device's requests, by code. */
  final Map<ErrorCode, Integer> refusals = new EnumMap<>(ErrorCode.class);

  public ChaosDevice(String user, String deviceId, IntSupplier port, Supplier<String> token,
      ScheduledExecutorService timer) {
    this.user = user;
    this.deviceId = deviceId;
    this.port = port;
    this.token = token;
    this.timer = timer;
  }

  public String user() {
    return user;
  }

  public void start() {
    timer.execute(this::connect);
    timer.scheduleAtFixedRate(this::resendOverdue, 1, 1, TimeUnit.SECONDS);
  }

  public void stop() {
    stopped = true;
    cut();
  }

  /** Queues a message; it is sent now if connected, else after the next login. */
  public void send(String toUser, String text) {
    String clientId = user + "/" + deviceId + "/" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
    Sent s = new Sent(clientId, toUser, text);
    synchronized (lock) {
      outbox.put(clientId, s);
      if (loggedIn) {
        write(sendFrame(s));
      }
    }
  }

  public int outboxSize() {
    synchronized (lock) {
      return outbox.size();
    }
  }

  public Map<String, String> acked() {
    synchronized (lock) {
      return new HashMap<>(acked);
    }
  }

  public Map<String, List<Message>> delivered() {
    synchronized (lock) {
      Map<String, List<Message>> copy = new HashMap<>();
      delivered.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
      return copy;
    }
  }

  /** Drops the link abruptly, as a phone walking into a lift would; true if it was logged in. */
  public boolean cut() {
    ImSocket s;
    boolean was;
    synchronized (lock) {
      s = socket;
      was = loggedIn && s != null;
      loggedIn = false;
    }
    if (s != null) {
      s.reset();
    }
    return was;
  }

  public int refusals() {
    synchronized (lock) {
      return refusals.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** Refusals a client must not simply retry: the server said no for good. */
  public int finalRefusals() {
    synchronized (lock) {
      int n = 0;
      for (Map.Entry<ErrorCode, Integer> e : refusals.entrySet()) {
        if (e.getKey() != ErrorCode.ERROR_CODE_RATE_LIMITED && e.getKey() != ErrorCode.ERROR_CODE_INTERNAL
            && e.getKey() != ErrorCode.ERROR_CODE_SHUTTING_DOWN) {
          n += e.getValue();
        }
      }
      return n;
    }
  }

  /** Asks for everything after what was delivered, in every conversation. */
  public void syncNow() {
    synchronized (lock) {
      if (loggedIn) {
        write(syncFrame());
      }
    }
  }

  private void connect() {
    if (stopped) {
      return;
    }
    try {
      ImSocket s = ImSocket.connect(port.getAsInt(), null, 2000, options -> { });
      synchronized (lock) {
        socket = s;
        connects++;
        seenOnLink.clear();
        maxPushedOnLink.clear();
        write(Frame.newBuilder().setReq(++reqs).setLogin(Login.newBuilder().setProtocolVersion(1)
            .setToken(token.get()).setDeviceId(deviceId)).build());
      }
      s.readInBackground("chaos-" + user + "-" + deviceId, new FrameReader.Sink() {
        @Override
        public void onFrame(Frame f) {
          handle(f);
        }

        @Override
        public void onHeartbeat() {}
      }, () -> disconnected(s));
    } catch (IOException e) {
      reconnectLater();
    }
  }

  private void reconnectLater() {
    if (!stopped) {
      timer.schedule(this::connect, 50 + ThreadLocalRandom.current().nextInt(250), TimeUnit.MILLISECONDS);
    }
  }

  /** The link is gone. */
  private void disconnected(ImSocket s) {
    synchronized (lock) {
      if (socket == s) {
        loggedIn = false;
        socket = null;
      }
    }
    reconnectLater();
  }

  private void handle(Frame f) {
    synchronized (lock) {
      switch (f.getBodyCase()) {
        case LOGIN_OK -> {
          loggedIn = true;
          write(syncFrame());
          for (Sent s : outbox.values()) {
            write(sendFrame(s));
          }
        }
        case SEND_ACK -> {
          Sent s = outbox.remove(f.getSendAck().getClientId());
          if (s != null || !acked.containsKey(f.getSendAck().getClientId())) {
            acked.put(f.getSendAck().getClientId(), f.getSendAck().getConversation() + "#" + f.getSendAck().getSeq());
          }
        }
        case PUSH -> {
          for (Message m : f.getPush().getMessagesList()) {
            arrived(m, true);
            accept(m);
          }
          ackAll();
        }
        case SYNC_RESULT -> {
          for (Message m : f.getSyncResult().getMessagesList()) {
            arrived(m, false);
            accept(m);
          }
          ackAll();
          if (f.getSyncResult().getMore()) {
            write(syncFrame());
          }
        }
        case ERROR -> {
          // Retryable ones (rate limits, overload) are retried by the resend timer; the test fails
          // at once on any other.
          refusals.merge(f.getError().getCode(), 1, Integer::sum);
        }
        case GO_AWAY -> {
          goAways++;
          ImSocket s = socket;
          loggedIn = false;
          if (s != null) {
            s.close();
          }
        }
        default -> {
          // receipts and the like
        }
      }
    }
  }

  /** Under the lock: order on the wire, before the device reorders anything. */
  private void arrived(Message m, boolean pushed) {
    String cid = m.getConversation();
    boolean fresh = seenOnLink.computeIfAbsent(cid, k -> new HashSet<>()).add(m.getSeq());
    if (pushed) {
      long max = maxPushedOnLink.getOrDefault(cid, 0L);
      if (fresh && m.getSeq() < max) {
        outOfOrderPushes++;
      }
      maxPushedOnLink.put(cid, Math.max(max, m.getSeq()));
    }
  }

  /** In seq order, once: deliver the next expected, hold what is ahead, drop what was seen. */
  private void accept(Message m) {
    String cid = m.getConversation();
    List<Message> have = delivered.computeIfAbsent(cid, k -> new ArrayList<>());
    long next = have.size() + 1L;
    if (m.getSeq() < next) {
      duplicatesDropped++;
      return;
    }
    TreeMap<Long, Message> buffered = ahead.computeIfAbsent(cid, k -> new TreeMap<>());
    if (m.getSeq() > next) {
      if (buffered.putIfAbsent(m.getSeq(), m) == null && buffered.firstKey() == m.getSeq()) {
        gapSyncs++;
        write(syncFrame());
      }
      return;
    }
    have.add(m);
    while (!buffered.isEmpty() && buffered.firstKey() <= have.size() + 1L) {
      Message b = buffered.pollFirstEntry().getValue();
      if (b.getSeq() == have.size() + 1L) {
        have.add(b);
      }
    }
  }

  private void ackAll() {
    Ack.Builder ack = Ack.newBuilder();
    delivered.forEach((cid, list) -> {
      if (!list.isEmpty()) {
        ack.addCursors(Cursor.newBuilder().setConversation(cid).setSeq(list.size()));
      }
    });
    write(Frame.newBuilder().setAck(ack).build());
  }

  private Frame syncFrame() {
    Sync.Builder sync = Sync.newBuilder();
    delivered.forEach((cid, list) -> sync.addCursors(Cursor.newBuilder().setConversation(cid).setSeq(list.size())));
    return Frame.newBuilder().setReq(++reqs).setSync(sync).build();
  }

  private Frame sendFrame(Sent s) {
    return Frame.newBuilder().setReq(++reqs).setSend(Send.newBuilder().setClientId(s.clientId()).setToUser(s.toUser())
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText(s.text())).build();
  }

  private void resendOverdue() {
    synchronized (lock) {
      if (loggedIn) {
        for (Sent s : outbox.values()) {
          write(sendFrame(s));
        }
      }
    }
  }

  /** Under the lock. A failed write just means the link is going; the reader reconnects. */
  private void write(Frame f) {
    if (socket == null) {
      return;
    }
    try {
      socket.send(f);
    } catch (IOException e) {
      loggedIn = false;
    }
  }
}
