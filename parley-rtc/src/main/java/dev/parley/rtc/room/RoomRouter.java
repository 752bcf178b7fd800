package dev.parley.rtc.room;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.RoomEvent;
import dev.parley.protocol.im.RoomEventKind;
import dev.parley.rtc.signal.Replies;
import dev.parley.rtc.signal.RoomHome;
import dev.parley.rtc.signal.SignalMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Takes room frames (joins, leaves, signals with a room) to the node that holds the room. On a
 * server of its own every room is here and frames go straight to {@link Rooms}. In a cluster a
 * join first {@linkplain RoomHome#locate locates} the room: the first node a join of it reaches
 * claims it; a join on another node is forwarded there, and so are that session's later frames
 * for the room, in the order sent (frames that arrive while the join is located wait for it).
 * The holder handles a forwarded frame as its own session's, and answers through the session's
 * handle on the node it is connected to. A room is given up when it expires empty.
 *
 * <p>Everything here runs on the signaling executor, which owns the rooms; {@code executor} is
 * that executor, to come back to when a lookup completes.
 */
public final class RoomRouter {
  /**
   * Where {@code room} of {@code session}'s frames is: {@code node} null while the join is
   * located, and the frames that came meanwhile waiting for it.
   */
  private static final class Placement {
    final ImSession session;
    final String room;
    String node;
    /** The req of the join forwarded and not answered yet (0: none): its Error ends the placement. */
    int joinReq;
    final List<Frame> waiting = new ArrayList<>();

    Placement(ImSession session, String room) {
      this.session = session;
      this.room = room;
    }
  }

  private final Rooms rooms;
  private final RoomHome home;
  private final Executor executor;
  private final SignalMetrics signals;
  private final Predicate<ImSession> online;
  /** Session id to room to placement, for this node's sessions in rooms held elsewhere. */
  private final Map<String, Map<String, Placement>> placed = new HashMap<>();
  /** Room to the number of lookups under way for it here: it is not given up meanwhile. */
  private final Map<String, Integer> locating = new HashMap<>();

  /**
   * @param online whether a session of another node is still logged in, as this node last heard
   */
  public RoomRouter(Rooms rooms, RoomHome home, Executor executor, SignalMetrics signals, Predicate<ImSession> online) {
    this.rooms = rooms;
    this.home = home;
    this.executor = executor;
    this.signals = signals;
    this.online = online;
    rooms.onRemoved(this::giveUp);
  }

  /** A room frame of a session connected to this node. */
  public void fromHere(ImSession s, Frame f) {
    String room = room(f);
    if (!home.clustered()) {
      handle(s, f);
      return;
    }
    if (f.hasRoomJoin() && inOthers(s, room) >= rooms.maxPerSession()) {
      // The holder of each room counts only its own: the limit spans the rooms of every node here.
      signals.refused();
      Replies.refuse(s, f.getReq(), ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "at most " + rooms.maxPerSession()
          + " rooms per connection");
      return;
    }
    Placement p = placement(s, room);
    if (p != null && p.node == null) {
      p.waiting.add(f);
    } else if (f.hasRoomJoin()) {
      if (rooms.holds(room) || !Rooms.validName(room)) {
        forget(s, room);
        handle(s, f);
      } else {
        // Every join looks again: the room may have expired and been claimed elsewhere since.
        locate(s, room, f);
      }
    } else if (p == null) {
      handle(s, f);
    } else {
      send(s, room, p, f);
    }
  }

  /** A room frame another node forwarded here: its session is connected there. */
  public void forwarded(ImSession s, Frame f) {
    String room = room(f);
    if (f.hasRoomJoin() && !online.test(s)) {
      // Its node forwarded the join before it heard the session close, and said so first: a
      // participant that never leaves must not be let in.
      return;
    }
    if (!f.hasRoomJoin() || rooms.holds(room) || !Rooms.validName(room)) {
      handle(s, f);
      return;
    }
    // The room expired here after the other node found it here: claim it again, or send the
    // client back to look (no forwarding on from here, so no frame goes round in circles).
    locating.merge(room, 1, Integer::sum);
    home.locate(room).whenComplete((node, failure) -> executor.execute(() -> {
      located(room);
      if (failure == null && RoomHome.HERE.equals(node)) {
        handle(s, f);
        giveUp(room);
      } else {
        refuse(s, f.getReq(), "room " + room + " moved to another node while joining it; join again");
      }
    }));
  }

  /**
   * The nodes alive now: a session here in a room held by a node no longer among them is in the
   * room no more (the room went with its node) and is told so with a CLOSED event.
   */
  public void nodesAlive(Collection<String> nodes) {
    List<Placement> lost = new ArrayList<>();
    placed.values().forEach(rooms -> rooms.values().removeIf(p -> {
      boolean gone = p.node != null && !nodes.contains(p.node);
      if (gone) {
        lost.add(p);
      }
      return gone;
    }));
    placed.values().removeIf(Map::isEmpty);
    for (Placement p : lost) {
      p.session.send(Frame.newBuilder().setRoomEvent(RoomEvent.newBuilder().setRoom(p.room)
          .setKind(RoomEventKind.ROOM_EVENT_KIND_CLOSED)).build());
    }
  }

  /**
   * The holder of a room answered {@code to}, a session here, through the bus: an Error to the
   * join forwarded there means the session is not in the room, a RoomJoined that it is.
   */
  public void answered(ImSession to, Frame f) {
    Map<String, Placement> mine = placed.get(to.sessionId());
    if (mine == null || f.getReq() == 0 || !(f.hasError() || f.hasRoomJoined())) {
      return;
    }
    for (Placement p : List.copyOf(mine.values())) {
      if (p.joinReq == f.getReq() && p.node != null) {
        p.joinReq = 0;
        if (f.hasError()) {
          forget(to, p.room);
        }
      }
    }
  }

  /** How many rooms other than {@code room} session {@code s} is in or joining, on any node. */
  private int inOthers(ImSession s, String room) {
    Set<String> all = new HashSet<>(rooms.roomsOf(s.sessionId()));
    all.addAll(placed.getOrDefault(s.sessionId(), Map.of()).keySet());
    all.remove(room);
    return all.size();
  }

  /** A session closed (on this node or another): nothing more of it is forwarded. */
  public void closed(ImSession s) {
    placed.remove(s.sessionId());
  }

  private void locate(ImSession s, String room, Frame join) {
    Placement p = new Placement(s, room);
    placed.computeIfAbsent(s.sessionId(), k -> new HashMap<>()).put(room, p);
    locating.merge(room, 1, Integer::sum);
    home.locate(room).whenComplete((node, failure) -> executor.execute(() -> {
      located(room);
      if (placement(s, room) != p) {
        giveUp(room); // the session closed meanwhile
        return;
      }
      // The session's frames for the room that came while it was looked up, to follow the join.
      List<Frame> later = List.copyOf(p.waiting);
      p.waiting.clear();
      if (failure != null) {
        forget(s, room);
        refuse(s, join.getReq(), "room " + room + ": the cluster's shared state cannot be reached; join again");
      } else if (RoomHome.HERE.equals(node)) {
        forget(s, room);
        handle(s, join);
        giveUp(room);
      } else {
        p.node = node;
        send(s, room, p, join);
      }
      later.forEach(f -> fromHere(s, f));
    }));
  }

  /** A lookup of {@code room} here ended. */
  private void located(String room) {
    locating.computeIfPresent(room, (k, n) -> n == 1 ? null : n - 1);
  }

  /** Lets go of {@code room} when this node does not hold it and looks for it no more. */
  private void giveUp(String room) {
    if (!rooms.holds(room) && !locating.containsKey(room)) {
      home.released(room);
    }
  }

  private void send(ImSession s, String room, Placement p, Frame f) {
    if (!home.alive(p.node)) {
      // The node holding the room is gone, and the room with it: answered here (not in the room).
      forget(s, room);
      handle(s, f);
      return;
    }
    if (f.hasRoomJoin()) {
      p.joinReq = f.getReq();
    }
    home.forward(p.node, s, f);
    if (f.hasRoomLeave()) {
      forget(s, room);
    }
  }

  private Placement placement(ImSession s, String room) {
    Map<String, Placement> mine = placed.get(s.sessionId());
    return mine == null ? null : mine.get(room);
  }

  private void forget(ImSession s, String room) {
    Map<String, Placement> mine = placed.get(s.sessionId());
    if (mine != null && mine.remove(room) != null && mine.isEmpty()) {
      placed.remove(s.sessionId());
    }
  }

  private void handle(ImSession s, Frame f) {
    switch (f.getBodyCase()) {
      case ROOM_JOIN -> rooms.join(s, f.getReq(), f.getRoomJoin());
      case ROOM_LEAVE -> rooms.leave(s, f.getReq(), f.getRoomLeave());
      case SIGNAL -> rooms.signal(s, f.getReq(), f.getSignal());
      default -> throw new IllegalArgumentException("not a room frame: " + f.getBodyCase());
    }
  }

  private void refuse(ImSession s, int req, String message) {
    signals.refused();
    Replies.refuse(s, req, ErrorCode.ERROR_CODE_INTERNAL, message);
  }

  private static String room(Frame f) {
    return switch (f.getBodyCase()) {
      case ROOM_JOIN -> f.getRoomJoin().getRoom();
      case ROOM_LEAVE -> f.getRoomLeave().getRoom();
      case SIGNAL -> f.getSignal().getRoom();
      default -> throw new IllegalArgumentException("not a room frame: " + f.getBodyCase());
    };
  }
}
