package dev.parley.rtc.room;

import dev.parley.core.auth.TokenException;
import dev.parley.core.auth.TokenService;
import dev.parley.core.auth.VerifiedToken;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.RoomEvent;
import dev.parley.protocol.im.RoomEventKind;
import dev.parley.protocol.im.RoomJoin;
import dev.parley.protocol.im.RoomJoined;
import dev.parley.protocol.im.RoomLeave;
import dev.parley.protocol.im.RoomParticipant;
import dev.parley.protocol.im.Signal;
import dev.parley.rtc.signal.Replies;
import dev.parley.rtc.signal.SignalConfig;
import dev.parley.rtc.signal.SignalMetrics;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Rooms for small mesh calls: join by name with a capacity, participant list, join and leave
 * events, leave on disconnect, empty rooms expire, and the relay of Signal frames between
 * participants. Runs on the signaling executor, which owns all room state.
 *
 * <p>Access: the user who creates a room owns it. A room admits its owner, the members named at
 * creation, holders of a join token for it (a JWT the token service accepts, with {@code sub} the
 * user and {@code room} the room), and everyone if it is open. A room created with neither members
 * nor the open flag takes {@code rtc.room.default-access} (private). With
 * {@code rtc.room.require-token} every join needs a token. Refusals are FORBIDDEN and come before
 * the capacity check, so an outsider does not learn who or how many are inside.
 */
public final class Rooms {
  private static final int MAX_NAME = 128;

  private final EventExecutor loop;
  private final SignalConfig config;
  private final SignalMetrics signals;
  private final RoomMetrics metrics;
  private final TimeSource time;
  private final TokenService tokens;
  private final Map<String, Room> rooms = new HashMap<>();
  /** Rooms each session is in, by session id. */
  private final Map<String, Set<String>> bySession = new HashMap<>();
  /** Told the name of each room removed (expired empty); on {@code loop}. */
  private Consumer<String> removed = name -> { };

  /** Expiry timers run on {@code loop}, the signaling executor; join tokens are checked with {@code tokens}. */
  public Rooms(EventExecutor loop, SignalConfig config, SignalMetrics signals, RoomMetrics metrics, TimeSource time,
      TokenService tokens) {
    this.loop = loop;
    this.config = config;
    this.signals = signals;
    this.metrics = metrics;
    this.time = time;
    this.tokens = tokens;
  }

  public void join(ImSession s, int req, RoomJoin join) {
    assert loop.inEventLoop();
    String name = join.getRoom();
    if (!validName(name)) {
      refuse(s, req, ErrorCode.ERROR_CODE_BAD_REQUEST, "room_join.room must be 1-" + MAX_NAME + " printable characters");
      return;
    }
    Room room = rooms.get(name);
    if (room != null && room.members.containsKey(s.sessionId())) {
      answerJoined(s, req, room);
      return;
    }
    Set<String> mine = bySession.getOrDefault(s.sessionId(), Set.of());
    if (mine.size() >= config.maxRoomsPerSession()) {
      refuse(s, req, ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "at most " + config.maxRoomsPerSession()
          + " rooms per connection");
      return;
    }
    boolean hasToken = !join.getToken().isEmpty();
    if (hasToken) {
      String bad = tokenProblem(join.getToken(), name, s.user());
      if (bad != null) {
        refuse(s, req, ErrorCode.ERROR_CODE_FORBIDDEN, "join token refused: " + bad);
        return;
      }
    } else if (config.roomsRequireToken()) {
      refuse(s, req, ErrorCode.ERROR_CODE_FORBIDDEN, "joining a room needs a join token from the app (room_join.token)");
      return;
    }
    if (room == null) {
      if (join.getMembersCount() > config.roomMaxCapacity()
          || !join.getMembersList().stream().allMatch(Ids::isValidUser)) {
        refuse(s, req, ErrorCode.ERROR_CODE_BAD_REQUEST, "room_join.members must be at most "
            + config.roomMaxCapacity() + " valid user ids");
        return;
      }
      if (rooms.size() >= config.maxRooms()) {
        refuse(s, req, ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "the server holds its maximum of " + config.maxRooms()
            + " rooms");
        return;
      }
      int capacity = join.getCapacity() == 0 ? config.roomDefaultCapacity()
          : Math.max(2, Math.min(join.getCapacity(), config.roomMaxCapacity()));
      boolean open = join.getOpen() || join.getMembersCount() == 0 && config.roomsOpenByDefault();
      room = new Room(name, capacity, s.user(), open, new LinkedHashSet<>(join.getMembersList()));
      rooms.put(name, room);
      metrics.rooms.incrementAndGet();
    } else if (!hasToken && !room.admits(s.user())) {
      refuse(s, req, ErrorCode.ERROR_CODE_FORBIDDEN, "room " + name + " is private: " + s.user()
          + " is not invited (ask its owner, or the app for a join token)");
      return;
    }
    if (room.members.size() >= room.capacity) {
      refuse(s, req, ErrorCode.ERROR_CODE_ROOM_FULL, "room " + name + " is full (" + room.capacity + " participants)");
      return;
    }
    room.expiry.cancel();
    room.expiry = Cancellable.NONE;
    RoomParticipant me = RoomParticipant.newBuilder().setUser(s.user()).setDeviceId(s.deviceId())
        .setSessionId(s.sessionId()).setJoinedAt(time.millis()).build();
    room.members.put(s.sessionId(), new Room.Member(s, me));
    bySession.computeIfAbsent(s.sessionId(), k -> new LinkedHashSet<>()).add(name);
    metrics.participants.incrementAndGet();
    answerJoined(s, req, room);
    tell(room, s, RoomEventKind.ROOM_EVENT_KIND_JOINED, me);
  }

  public void leave(ImSession s, int req, RoomLeave leave) {
    leave(s, leave.getRoom());
    Replies.ok(s, req);
  }

  /** A session closed: it leaves every room it was in. */
  public void closed(ImSession s) {
    Set<String> mine = bySession.get(s.sessionId());
    if (mine != null) {
      for (String name : List.copyOf(mine)) {
        leave(s, name);
      }
    }
  }

  /** A Signal with a room name: relayed to one participant. */
  public void signal(ImSession s, int req, Signal signal) {
    Room room = rooms.get(signal.getRoom());
    if (room == null || !room.members.containsKey(s.sessionId())) {
      refuse(s, req, ErrorCode.ERROR_CODE_NOT_FOUND, "not in room " + signal.getRoom());
      return;
    }
    Room.Member to = room.members.get(signal.getToSession());
    if (to == null || to.session().sessionId().equals(s.sessionId())) {
      refuse(s, req, ErrorCode.ERROR_CODE_NOT_FOUND, "no other participant " + signal.getToSession() + " in room "
          + room.name);
      return;
    }
    to.session().send(Frame.newBuilder().setSignal(signal.toBuilder().setFromUser(s.user())
        .setFromSession(s.sessionId())).build());
    signals.relayed();
    if (req != 0) {
      Replies.ok(s, req);
    }
  }

  /** Whether {@code name} may name a room (1-128 printable characters). */
  static boolean validName(String name) {
    return !name.isEmpty() && name.length() <= MAX_NAME && name.chars().noneMatch(Character::isISOControl);
  }

  /** Tells {@code listener} of every room this node stops holding (set before the first join). */
  public void onRemoved(Consumer<String> listener) {
    this.removed = listener;
  }

  /** Whether room {@code name} is held here (empty and waiting to expire included). On the executor. */
  public boolean holds(String name) {
    return rooms.containsKey(name);
  }

  /** The rooms held here that session {@code sessionId} is in. */
  public Set<String> roomsOf(String sessionId) {
    return bySession.getOrDefault(sessionId, Set.of());
  }

  /** The most rooms one connection may be in. */
  public int maxPerSession() {
    return config.maxRoomsPerSession();
  }

  /** Rooms held now (empty ones waiting to expire included). */
  public int count() {
    return rooms.size();
  }

  private void leave(ImSession s, String name) {
    Room room = rooms.get(name);
    Room.Member m = room == null ? null : room.members.remove(s.sessionId());
    if (m == null) {
      return;
    }
    metrics.participants.decrementAndGet();
    Set<String> mine = bySession.get(s.sessionId());
    if (mine != null && mine.remove(name) && mine.isEmpty()) {
      bySession.remove(s.sessionId());
    }
    tell(room, s, RoomEventKind.ROOM_EVENT_KIND_LEFT, m.info());
    if (room.members.isEmpty()) {
      room.expiry = time.schedule(loop, () -> {
        if (room.members.isEmpty() && rooms.get(name) == room) {
          rooms.remove(name);
          metrics.rooms.decrementAndGet();
          removed.accept(name);
        }
      }, config.roomEmptyTtl());
    }
  }

  /** Why {@code token} does not let {@code user} into {@code room}, or null when it does. */
  private String tokenProblem(String token, String room, String user) {
    VerifiedToken t;
    try {
      t = tokens.verify(token);
    } catch (TokenException e) {
      return e.getMessage();
    }
    if (!t.userId().equals(user)) {
      return "it is for another user";
    }
    if (!room.equals(t.claims().get(JoinTokens.ROOM_CLAIM))) {
      return "it is not for room " + room;
    }
    return null;
  }

  private void answerJoined(ImSession s, int req, Room room) {
    RoomJoined.Builder joined = RoomJoined.newBuilder().setRoom(room.name).setCapacity(room.capacity)
        .setSessionId(s.sessionId()).setOwner(room.owner).setOpen(room.open);
    room.members.values().forEach(m -> joined.addParticipants(m.info()));
    Replies.answer(s, req, Frame.newBuilder().setRoomJoined(joined));
  }

  private static void tell(Room room, ImSession except, RoomEventKind kind, RoomParticipant who) {
    Frame event = Frame.newBuilder().setRoomEvent(RoomEvent.newBuilder().setRoom(room.name).setKind(kind)
        .setParticipant(who)).build();
    for (Room.Member m : room.members.values()) {
      if (!m.session().sessionId().equals(except.sessionId())) {
        m.session().send(event);
      }
    }
  }

  private void refuse(ImSession s, int req, ErrorCode code, String message) {
    signals.refused();
    Replies.refuse(s, req, code, message);
  }
}
