package dev.parley.client;

import dev.parley.client.net.Link;
import dev.parley.protocol.im.Frame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Request numbers and the answers they wait for, on one link at a time. I/O loop only. */
final class Requests {
  /** Someone waiting for the answer to one request. */
  interface Caller {
    /** The answer (its result, {@code Ok} or {@code Error}). */
    void answered(Frame answer);

    /** The link went down before the answer came. */
    void lost();
  }

  private final Map<Integer, Caller> inflight = new HashMap<>();
  private int last;

  /** Sends {@code body} with a fresh req and remembers who waits for the answer; returns the req. */
  int send(Link link, Frame.Builder body, Caller caller) {
    last = last == Integer.MAX_VALUE ? 1 : last + 1;
    inflight.put(last, caller);
    link.send(body.setReq(last).build());
    return last;
  }

  /** A fresh req for a request nobody waits on (typing). */
  int next() {
    last = last == Integer.MAX_VALUE ? 1 : last + 1;
    return last;
  }

  /** Hands an answer to its caller; false when nobody waits for that req. */
  boolean answer(Frame f) {
    Caller c = inflight.remove(f.getReq());
    if (c == null) {
      return false;
    }
    c.answered(f);
    return true;
  }

  /** The link is gone: every caller hears it. */
  void linkLost() {
    List<Caller> callers = new ArrayList<>(inflight.values());
    inflight.clear();
    callers.forEach(Caller::lost);
  }
}
