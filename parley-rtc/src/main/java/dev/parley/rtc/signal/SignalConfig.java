package dev.parley.rtc.signal;

import dev.parley.core.config.Config;
import dev.parley.rtc.config.RtcKeys;
import java.time.Duration;

/**
 * The limits of call and room signaling, read once at start.
 *
 * @param ringTimeout how long an invite rings
 * @param reconnectGrace how long a call waits for a dropped party
 * @param maxInvitesPerUser unanswered invites one user may have
 * @param maxPayload largest Signal payload or invite data, in bytes
 * @param roomDefaultCapacity capacity of a room created without one
 * @param roomMaxCapacity largest capacity a client may ask for
 * @param maxRooms rooms held at once
 * @param maxRoomsPerSession rooms one connection may be in
 * @param roomEmptyTtl how long an empty room is kept
 * @param roomsOpenByDefault whether a room created without members or the open flag is open
 * @param roomsRequireToken whether every join needs a join token
 */
public record SignalConfig(Duration ringTimeout, Duration reconnectGrace, int maxInvitesPerUser, int maxPayload,
    int roomDefaultCapacity, int roomMaxCapacity, int maxRooms, int maxRoomsPerSession, Duration roomEmptyTtl,
    boolean roomsOpenByDefault, boolean roomsRequireToken) {

  public static SignalConfig from(Config c) {
    int max = c.get(RtcKeys.ROOM_MAX_CAPACITY);
    return new SignalConfig(c.get(RtcKeys.CALL_RING_TIMEOUT), c.get(RtcKeys.CALL_RECONNECT_GRACE),
        c.get(RtcKeys.CALL_MAX_INVITES), (int) (long) c.get(RtcKeys.SIGNAL_MAX_PAYLOAD),
        Math.min(c.get(RtcKeys.ROOM_DEFAULT_CAPACITY), max), max, c.get(RtcKeys.ROOM_MAX_ROOMS),
        c.get(RtcKeys.ROOM_MAX_PER_SESSION), c.get(RtcKeys.ROOM_EMPTY_TTL),
        c.get(RtcKeys.ROOM_DEFAULT_ACCESS) == RtcKeys.RoomAccess.OPEN, c.get(RtcKeys.ROOM_REQUIRE_TOKEN));
  }
}
