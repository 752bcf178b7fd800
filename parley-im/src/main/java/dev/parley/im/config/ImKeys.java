package dev.parley.im.config;

import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.ListenerKeys;
import dev.parley.im.session.KickPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Configuration keys of the IM service. */
public final class ImKeys {
  private ImKeys() {}

  public static final ListenerKeys TCP = new ListenerKeys("im.tcp", "IM TCP", 7900, 200);
  public static final ConfigKey<Boolean> WS_ENABLED = ConfigKey.bool("im.ws.enabled", true,
      "Whether IM over WebSocket is served on the HTTP listener.");
  public static final ConfigKey<String> WS_PATH = ConfigKey.string("im.ws.path", "/im",
      "Path of the IM WebSocket endpoint on the HTTP listener.");

  public static final ConfigKey<Duration> LOGIN_TIMEOUT = ConfigKey.duration("im.login-timeout",
      Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5),
      "A connection that has not logged in this long after connecting is closed (frees idle sockets).");
  public static final ConfigKey<Duration> HEARTBEAT_MAX = ConfigKey.duration("im.heartbeat.max-interval",
      Duration.ofMinutes(4), Duration.ofMillis(100), Duration.ofHours(1),
      "Longest heartbeat interval a client may use. The idle timeout is 1.5 times this: a connection silent "
          + "for longer is closed.");
  public static final ConfigKey<Long> MAX_FRAME = ConfigKey.size("im.max-frame-size", 1 << 20, 1024, 64L << 20,
      "Largest frame accepted (bytes); a bigger one is a protocol error and closes the connection. "
          + "Bounds the memory one connection can make the server buffer.");
  public static final ConfigKey<Long> MAX_MESSAGE = ConfigKey.size("im.max-message-size", 64 * 1024, 16,
      16L << 20, "Largest message content (text or custom data); bigger ones are refused with MESSAGE_TOO_LARGE.");
  public static final ConfigKey<Long> MAX_OUTBOUND = ConfigKey.size("im.max-outbound-bytes", 4L << 20, 64 * 1024,
      1L << 30, "Bytes waiting to be written to one connection beyond which it is closed as a slow consumer "
          + "(it syncs what it missed on reconnect, so nothing is lost).");
  public static final ConfigKey<Integer> MAX_UNACKED = ConfigKey.integer("im.max-unacked", 5000, 10, 1_000_000,
      "Pushed messages a device may leave unacknowledged; beyond it the connection is closed as a slow consumer.");
  public static final ConfigKey<Duration> ACK_TIMEOUT = ConfigKey.duration("im.ack-timeout", Duration.ofSeconds(10),
      Duration.ofMillis(50), Duration.ofMinutes(10),
      "Pushed messages not acknowledged within this time are pushed again while the connection lives.");
  public static final ConfigKey<KickPolicy> KICK_POLICY = ConfigKey.choice("im.kick-policy", KickPolicy.class,
      KickPolicy.SAME_DEVICE, "same-device, same-platform or none: which older session a new login replaces.");
  public static final ConfigKey<Integer> MAX_SESSIONS_PER_USER = ConfigKey.integer("im.max-sessions-per-user", 20,
      1, 10_000, "Sessions one user may hold at once; the oldest is kicked beyond it.");

  public static final ConfigKey<Integer> RATE_MESSAGES = ConfigKey.integer("im.rate.requests-per-second", 200, 1,
      10_000_000, "Requests (sends, reads, typing, ...) one connection may make per second on average.");
  public static final ConfigKey<Integer> RATE_BURST = ConfigKey.integer("im.rate.burst", 400, 1, 10_000_000,
      "Requests one connection may make in a burst above its per-second rate.");
  public static final ConfigKey<Integer> RATE_LOGINS = ConfigKey.integer("im.rate.logins-per-second-per-ip", 50, 1,
      10_000_000, "Logins one IP address may make per second on average (a reconnect storm from one NAT is bursty).");
  public static final ConfigKey<Integer> RATE_LOGIN_BURST = ConfigKey.integer("im.rate.login-burst-per-ip", 200, 1,
      10_000_000, "Logins one IP address may make in a burst.");

  public static final ConfigKey<Duration> RECALL_WINDOW = ConfigKey.duration("im.recall-window",
      Duration.ofMinutes(2), Duration.ZERO, Duration.ofDays(365), "How long after sending a user may recall a message.");
  public static final ConfigKey<Integer> GROUP_MAX_MEMBERS = ConfigKey.integer("im.group.max-members", 10_000, 2,
      1_000_000, "Members one group may have.");
  public static final ConfigKey<Integer> GROUP_RECEIPT_LIMIT = ConfigKey.integer("im.group.receipts-max-members",
      200, 0, 1_000_000, "Read receipts and typing are relayed in groups up to this size (beyond, they would flood "
          + "every member for every read).");
  public static final ConfigKey<Integer> PRESENCE_MAX_SUBSCRIPTIONS = ConfigKey.integer(
      "im.presence.max-subscriptions", 5000, 0, 1_000_000, "Users one session may follow for presence.");
  public static final ConfigKey<Duration> SHUTDOWN_RECONNECT = ConfigKey.duration("im.shutdown.reconnect-after",
      Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(10),
      "GoAway tells clients to reconnect after this long (plus their own jitter) when the server shuts down.");

  public static List<ConfigKey<?>> all() {
    List<ConfigKey<?>> keys = new ArrayList<>(TCP.all());
    keys.addAll(List.of(WS_ENABLED, WS_PATH, LOGIN_TIMEOUT, HEARTBEAT_MAX, MAX_FRAME, MAX_MESSAGE, MAX_OUTBOUND,
        MAX_UNACKED, ACK_TIMEOUT, KICK_POLICY, MAX_SESSIONS_PER_USER, RATE_MESSAGES, RATE_BURST, RATE_LOGINS,
        RATE_LOGIN_BURST, RECALL_WINDOW, GROUP_MAX_MEMBERS, GROUP_RECEIPT_LIMIT, PRESENCE_MAX_SUBSCRIPTIONS,
        SHUTDOWN_RECONNECT));
    return keys;
  }
}
