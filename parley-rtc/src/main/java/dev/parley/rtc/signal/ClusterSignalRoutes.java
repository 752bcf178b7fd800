package dev.parley.rtc.signal;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.spi.ImGateway.SessionListener;
import dev.parley.protocol.im.Frame;
import dev.parley.rtc.signal.SignalFrames.Change;
import dev.parley.rtc.signal.SignalFrames.Ref;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SignalRoutes} of one node of a cluster: this node's sessions through the IM gateway, and a
 * copy of every other node's, which each node keeps up to date by broadcasting its sessions as they
 * open and close ({@code rtc.session}), all of them at start and when the bus resumes. Handles of
 * another node's sessions are {@link RemoteSession}s; frames for this node's sessions arrive as
 * {@code rtc.frame} and are written to the session. A node no longer alive loses its sessions at
 * the next {@link #sweep}, and listeners hear them close, as when their connections drop.
 * {@link Relays} watchers see every frame another node sends a session here, and hear at each
 * sweep which nodes are alive (what a node gone held for sessions here, only they can end).
 */
public final class ClusterSignalRoutes implements SignalRoutes {
  private static final Logger log = LoggerFactory.getLogger(ClusterSignalRoutes.class);

  private final ImGateway gateway;
  private final NodeBus bus;
  private final Supplier<Collection<String>> alive;
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Relays> relays = new CopyOnWriteArrayList<>();
  /** This node's sessions, by id. */
  private final Map<String, ImSession> local = new ConcurrentHashMap<>();
  /** Node to session id to the other nodes' sessions; guarded by {@code this}. */
  private final Map<String, Map<String, RemoteSession>> byNode = new HashMap<>();
  /** User to session id to the other nodes' sessions; guarded by {@code this}. */
  private final Map<String, Map<String, RemoteSession>> byUser = new HashMap<>();

  /**
   * @param alive the ids of the nodes alive now
   */
  public ClusterSignalRoutes(ImGateway gateway, NodeBus bus, Supplier<Collection<String>> alive) {
    this.gateway = gateway;
    this.bus = bus;
    this.alive = alive;
    bus.listen(SignalFrames.SESSIONS, (from, payload) -> changed(from, SignalFrames.sessions(payload)));
    bus.listen(SignalFrames.ASK, (from, payload) -> bus.send(from, SignalFrames.SESSIONS, snapshot()));
    bus.listen(SignalFrames.TO_SESSION, (from, payload) -> deliver(from, SignalFrames.addressed(payload)));
    bus.onResume(this::announce);
    gateway.addSessionListener(new SessionListener() {
      @Override
      public void opened(ImSession s) {
        local.put(s.sessionId(), s);
        bus.broadcast(SignalFrames.SESSIONS, SignalFrames.sessions(Change.OPENED, List.of(ref(s))));
        listeners.forEach(l -> l.opened(s));
      }

      @Override
      public void closed(ImSession s) {
        local.remove(s.sessionId());
        bus.broadcast(SignalFrames.SESSIONS, SignalFrames.sessions(Change.CLOSED, List.of(ref(s))));
        listeners.forEach(l -> l.closed(s));
      }
    });
  }

  /** Tells every node which sessions are here and asks for theirs (at start and after an outage). */
  public void announce() {
    bus.broadcast(SignalFrames.SESSIONS, snapshot());
    bus.broadcast(SignalFrames.ASK, new byte[0]);
  }

  @Override
  public List<ImSession> sessionsOf(String user) {
    List<ImSession> out = new ArrayList<>(gateway.sessions(user));
    synchronized (this) {
      Map<String, RemoteSession> there = byUser.get(user);
      if (there != null) {
        out.addAll(there.values());
      }
    }
    return out;
  }

  @Override
  public void addSessionListener(SessionListener listener) {
    listeners.add(listener);
  }

  /** What a node learns from the frames the other nodes send its sessions. */
  public interface Relays {
    /** Node {@code from} sent {@code frame} to {@code to}, a session on this node; on the bus thread, in order. */
    default void relayed(String from, ImSession to, Frame frame) {}

    /** At each {@link #sweep}, after the sessions of nodes gone closed: the nodes alive now. */
    void alive(Collection<String> nodes);
  }

  /** Adds {@code watcher} to those told of relayed frames and of the nodes alive. */
  public void watch(Relays watcher) {
    relays.add(watcher);
  }

  /** Drops the sessions of nodes no longer alive: listeners hear them close. Any thread. */
  public void sweep() {
    Collection<String> nodes = alive.get();
    List<String> gone;
    synchronized (this) {
      gone = byNode.keySet().stream().filter(n -> !nodes.contains(n)).toList();
    }
    for (String node : gone) {
      log.info("rtc: node {} is gone; its sessions leave their calls", node);
      changed(node, new SignalFrames.Sessions(Change.ALL, List.of()));
    }
    relays.forEach(r -> r.alive(nodes));
  }

  /** On the bus thread (or a sweep): what node {@code from} says of its sessions. */
  private void changed(String from, SignalFrames.Sessions change) {
    List<RemoteSession> opened = new ArrayList<>();
    List<RemoteSession> closed = new ArrayList<>();
    synchronized (this) {
      Map<String, RemoteSession> there = byNode.computeIfAbsent(from, n -> new LinkedHashMap<>());
      if (change.change() == Change.ALL) {
        Map<String, Ref> now = new HashMap<>();
        change.sessions().forEach(r -> now.put(r.sessionId(), r));
        for (RemoteSession s : List.copyOf(there.values())) {
          if (!now.containsKey(s.sessionId())) {
            closed.add(remove(there, s.ref()));
          }
        }
      }
      for (Ref r : change.sessions()) {
        if (change.change() == Change.CLOSED) {
          RemoteSession s = remove(there, r);
          if (s != null) {
            closed.add(s);
          }
        } else if (!there.containsKey(r.sessionId())) {
          RemoteSession s = new RemoteSession(bus, from, r);
          there.put(r.sessionId(), s);
          byUser.computeIfAbsent(r.user(), u -> new LinkedHashMap<>()).put(r.sessionId(), s);
          opened.add(s);
        }
      }
      if (there.isEmpty()) {
        byNode.remove(from);
      }
      // Each session's two events in order: told while the copy is consistent with them.
      opened.forEach(s -> listeners.forEach(l -> l.opened(s)));
      closed.forEach(s -> listeners.forEach(l -> l.closed(s)));
    }
  }

  private RemoteSession remove(Map<String, RemoteSession> there, Ref r) {
    RemoteSession s = there.remove(r.sessionId());
    Map<String, RemoteSession> ofUser = byUser.get(r.user());
    if (ofUser != null && ofUser.remove(r.sessionId()) != null && ofUser.isEmpty()) {
      byUser.remove(r.user());
    }
    return s;
  }

  /** On the bus thread: a frame from node {@code from} for one of this node's sessions; dropped when it is gone. */
  private void deliver(String from, SignalFrames.Addressed a) {
    ImSession s = local.get(a.session().sessionId());
    if (s != null) {
      relays.forEach(r -> r.relayed(from, s, a.frame()));
      s.send(a.frame());
    }
  }

  private byte[] snapshot() {
    List<Ref> refs = new ArrayList<>();
    for (ImSession s : local.values()) {
      refs.add(ref(s));
    }
    return SignalFrames.sessions(Change.ALL, refs);
  }

  static Ref ref(ImSession s) {
    return new Ref(s.user(), s.deviceId(), s.sessionId());
  }
}
