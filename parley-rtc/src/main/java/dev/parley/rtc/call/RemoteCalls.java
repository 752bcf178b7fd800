package dev.parley.rtc.call;

import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.spi.ImGateway.SessionListener;
import dev.parley.core.time.TimeSource;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.CallStopRinging;
import dev.parley.protocol.im.Frame;
import dev.parley.rtc.signal.ClusterSignalRoutes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls other nodes hold that this node's sessions ring for or take part in, learnt from the
 * frames the holders send those sessions (CallRing, CallStopRinging, CallState). A call lives
 * only in its holder's memory: when the holder leaves the cluster view, its calls end here as
 * they would have ended there when its parties' connections were lost. The devices still ringing
 * here get CallStopRinging and the party here a CallState ENDED, both CONNECTION_LOST, and the
 * call's record is stored (once, whichever nodes store it: its client id comes from the call id).
 * Thread-safe.
 */
public final class RemoteCalls implements ClusterSignalRoutes.Relays, SessionListener {
  private static final Logger log = LoggerFactory.getLogger(RemoteCalls.class);

  private final CallRecords records;
  private final TimeSource time;
  private final AtomicInteger stored = new AtomicInteger();
  /** Holder node -> call id -> what this node knows of the call; guarded by {@code this}. */
  private final Map<String, Map<String, Known>> byHolder = new HashMap<>();

  public RemoteCalls(ImGateway gateway, TimeSource time) {
    this.records = new CallRecords(gateway);
    this.time = time;
  }

  /** A call another node holds, as the frames for this node's sessions told it. */
  private static final class Known {
    final String id;
    String caller = "";
    String callee = "";
    CallMedia media = CallMedia.CALL_MEDIA_AUDIO;
    long expiresAt;
    long answeredAt;
    String callerSession = "";
    String calleeSession = "";
    boolean polite;
    /** Sessions here ringing for the call, by session id. */
    final Map<String, ImSession> ringing = new LinkedHashMap<>();
    /** The party of the call on this node, or null. */
    ImSession party;

    Known(String id) {
      this.id = id;
    }

    boolean idle() {
      return party == null && ringing.isEmpty();
    }
  }

  @Override
  public synchronized void relayed(String from, ImSession to, Frame frame) {
    switch (frame.getBodyCase()) {
      case CALL_RING -> {
        Known k = known(from, frame.getCallRing().getCallId());
        k.caller = frame.getCallRing().getCaller();
        k.callee = to.user();
        k.media = frame.getCallRing().getMedia();
        k.expiresAt = frame.getCallRing().getExpiresAt();
        k.ringing.put(to.sessionId(), to);
      }
      case CALL_STOP_RINGING -> {
        Known k = calls(from).get(frame.getCallStopRinging().getCallId());
        if (k != null) {
          k.ringing.remove(to.sessionId());
          forgetIfIdle(from, k);
        }
      }
      case CALL_STATE -> state(from, to, frame.getCallState());
      default -> { }
    }
  }

  private void state(String from, ImSession to, CallState s) {
    if (s.getStatus() == CallStatus.CALL_STATUS_ENDED) {
      // The holder ended it and tells every device here that needs to know.
      forget(from, s.getCallId());
      return;
    }
    Known k = known(from, s.getCallId());
    k.caller = s.getCaller();
    k.callee = s.getCallee();
    k.media = s.getMedia();
    k.answeredAt = s.getAnsweredAt();
    k.callerSession = s.getCallerSession();
    k.calleeSession = s.getCalleeSession();
    if (s.getExpiresAt() != 0) {
      k.expiresAt = s.getExpiresAt();
    }
    k.polite = s.getPolite();
    k.ringing.remove(to.sessionId());
    k.party = to;
  }

  @Override
  public synchronized void closed(ImSession session) {
    for (Map.Entry<String, Map<String, Known>> holder : List.copyOf(byHolder.entrySet())) {
      for (Known k : List.copyOf(holder.getValue().values())) {
        k.ringing.remove(session.sessionId());
        if (k.party != null && k.party.sessionId().equals(session.sessionId())) {
          // Its holder waits for it within the reconnect grace; the frames to its next session tell us again.
          k.party = null;
        }
        forgetIfIdle(holder.getKey(), k);
      }
    }
  }

  @Override
  public void alive(Collection<String> nodes) {
    List<Known> ended = new ArrayList<>();
    synchronized (this) {
      for (String holder : List.copyOf(byHolder.keySet())) {
        if (!nodes.contains(holder)) {
          Map<String, Known> calls = byHolder.remove(holder);
          log.info("rtc: node {} is gone; {} of its call(s) end for the sessions here", holder, calls.size());
          ended.addAll(calls.values());
        }
      }
    }
    long now = time.millis();
    ended.forEach(k -> end(k, now));
  }

  /** Ends {@code k}, whose holder is gone, for the sessions here, and stores its record. */
  private void end(Known k, long now) {
    CallEndReason lost = CallEndReason.CALL_END_REASON_CONNECTION_LOST;
    Frame stop = Frame.newBuilder().setCallStopRinging(CallStopRinging.newBuilder().setCallId(k.id).setReason(lost))
        .build();
    k.ringing.values().forEach(s -> s.send(stop));
    long duration = k.answeredAt == 0 ? 0 : Math.max(0, now - k.answeredAt);
    if (k.party != null) {
      k.party.send(Frame.newBuilder().setCallState(CallState.newBuilder().setCallId(k.id)
          .setStatus(CallStatus.CALL_STATUS_ENDED).setCaller(k.caller).setCallee(k.callee).setMedia(k.media)
          .setCallerSession(k.callerSession).setCalleeSession(k.calleeSession).setAnsweredAt(k.answeredAt)
          .setReason(lost).setDurationMs(duration).setPolite(k.polite)).build());
    }
    records.ended(new CallRecords.Ended(k.id, k.caller, k.callee, k.media, k.answeredAt, lost, duration, k.expiresAt))
        .thenRun(stored::incrementAndGet);
  }

  /** Records of calls whose holder died that this node stored (or found stored by another node). */
  public int recordsStored() {
    return stored.get();
  }

  /** Calls held by {@code holder} that this node knows of (with sessions here). */
  public synchronized int count(String holder) {
    return byHolder.getOrDefault(holder, Map.of()).size();
  }

  private Map<String, Known> calls(String holder) {
    return byHolder.getOrDefault(holder, Map.of());
  }

  private Known known(String holder, String callId) {
    return byHolder.computeIfAbsent(holder, h -> new HashMap<>()).computeIfAbsent(callId, Known::new);
  }

  private void forgetIfIdle(String holder, Known k) {
    if (k.idle()) {
      forget(holder, k.id);
    }
  }

  private void forget(String holder, String callId) {
    Map<String, Known> calls = byHolder.get(holder);
    if (calls != null && calls.remove(callId) != null && calls.isEmpty()) {
      byHolder.remove(holder);
    }
  }
}
