package dev.parley.rtc.signal;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.spi.ImGateway.SessionListener;
import java.util.List;

/**
 * How call and room signaling reaches the people in it: a user's online sessions, and word of
 * sessions coming and going. This is the part of signaling that spans nodes when Parley runs on
 * several; everything else (the calls and rooms themselves) stays on the one signaling executor.
 * {@link LocalSignalRoutes} sees the sessions of a server of its own through the IM gateway;
 * {@link ClusterSignalRoutes} those of every node of a cluster, over the node bus.
 *
 * <p>The contract a cluster implementation (Redis: the directory of who is online where, and the
 * bus between nodes) meets:
 *
 * <ul>
 *   <li>{@link #sessionsOf} lists the user's logged-in sessions on every node (in no set order),
 *       without blocking the caller (it answers from the node's copy of the directory);
 *   <li>every {@link ImSession} it hands out, or passes to a listener, may be used on the signaling
 *       executor: {@code send} delivers the frame to that session wherever it is connected (this
 *       node's session directly, another node's through the bus to that node, which writes it on
 *       the session's event loop), frames from one sender to one session in the order sent; a frame
 *       for a session that is gone is dropped, as a local send to a closed session is;
 *   <li>session ids are unique across nodes, and two handles of one session have the same id
 *       (signaling compares sessions by id only);
 *   <li>listeners hear {@code opened} and {@code closed} for sessions on every node, each session's
 *       two events in that order, on any thread (signaling hands them to its executor).
 * </ul>
 *
 * <p>What it does not do: carry the frames clients send. Those arrive at the node the client is
 * connected to; in a cluster that node forwards a call's frames to the node that holds the call
 * ({@link CallHome}, docs/dev/RTC.md). Nothing here is persistent: calls and rooms may be lost with the node
 * that holds them, as today with a restart.
 */
public interface SignalRoutes {
  /** The user's online sessions, on every node; an empty list when none. */
  List<ImSession> sessionsOf(String user);

  /** Tells {@code listener} of every session that logs in or closes. */
  void addSessionListener(SessionListener listener);
}
