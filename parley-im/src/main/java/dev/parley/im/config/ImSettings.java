package dev.parley.im.config;

import dev.parley.core.config.Config;
import dev.parley.im.session.KickPolicy;
import java.time.Duration;

/**
 * The IM settings resolved from config, immutable.
 *
 * @param idleTimeout 1.5 times the longest heartbeat interval a client may use
 */
public record ImSettings(Duration loginTimeout, Duration heartbeatMax, Duration idleTimeout, int maxFrameBytes,
    int maxMessageBytes, long maxOutboundBytes, int maxUnacked, Duration ackTimeout, KickPolicy kickPolicy,
    int maxSessionsPerUser, int ratePerSecond, int rateBurst, int loginsPerSecond, int loginBurst,
    Duration recallWindow, int groupMaxMembers, int groupReceiptLimit, int maxPresenceSubscriptions,
    Duration shutdownReconnect) {

  public static ImSettings from(Config c) {
    Duration heartbeat = c.get(ImKeys.HEARTBEAT_MAX);
    return new ImSettings(c.get(ImKeys.LOGIN_TIMEOUT), heartbeat, heartbeat.multipliedBy(3).dividedBy(2),
        Math.toIntExact(c.get(ImKeys.MAX_FRAME)), Math.toIntExact(c.get(ImKeys.MAX_MESSAGE)),
        c.get(ImKeys.MAX_OUTBOUND), c.get(ImKeys.MAX_UNACKED), c.get(ImKeys.ACK_TIMEOUT), c.get(ImKeys.KICK_POLICY),
        c.get(ImKeys.MAX_SESSIONS_PER_USER), c.get(ImKeys.RATE_MESSAGES), c.get(ImKeys.RATE_BURST),
        c.get(ImKeys.RATE_LOGINS), c.get(ImKeys.RATE_LOGIN_BURST), c.get(ImKeys.RECALL_WINDOW),
        c.get(ImKeys.GROUP_MAX_MEMBERS), c.get(ImKeys.GROUP_RECEIPT_LIMIT), c.get(ImKeys.PRESENCE_MAX_SUBSCRIPTIONS),
        c.get(ImKeys.SHUTDOWN_RECONNECT));
  }
}
