package dev.parley.rtc.ice;

import java.time.Instant;
import java.util.List;

/**
 * The STUN/TURN servers a client should use, with ephemeral TURN credentials in coturn's REST format.
 * Registered in the service registry by the rtc module; the IM module puts it into the login answer,
 * and {@code GET /api/v1/rtc/ice-servers} serves it over HTTP.
 */
public interface IceServers {
  /**
   * The ICE configuration for {@code userId}, with credentials minted now.
   *
   * @param userId the authenticated user
   * @param requestHost the host name the client used to reach this server (for the URLs when no
   *     public host is configured), or null
   */
  IceConfig forUser(String userId, String requestHost);

  /**
   * One entry of {@code RTCConfiguration.iceServers}.
   *
   * @param urls stun:, turn: or turns: URLs
   * @param username TURN username (null for STUN)
   * @param credential TURN password (null for STUN)
   */
  record IceServer(List<String> urls, String username, String credential) {}

  /**
   * A client's ICE configuration.
   *
   * @param iceServers what to pass to RTCPeerConnection
   * @param username the REST username ({@code expiry:userId})
   * @param credential the REST password
   * @param ttlSeconds how long the credentials are good
   * @param expiresAt when they expire
   */
  record IceConfig(List<IceServer> iceServers, String username, String credential, long ttlSeconds, Instant expiresAt) {
    /** Every URL, STUN and TURN. */
    public List<String> uris() {
      return iceServers.stream().flatMap(s -> s.urls().stream()).toList();
    }
  }
}
