package dev.parley.im.session;

import dev.parley.protocol.im.Platform;
import java.util.Locale;

/** A session as the admin API lists it. */
public record SessionInfo(String sessionId, String userId, String deviceId, String platform, String transport,
    String remoteAddress, long connectedAt) {
  /** How a platform is shown: {@code android}, {@code web}, ... ({@code unspecified} for none). */
  public static String platformName(Platform platform) {
    return platform == null ? "unspecified" : platform.name().substring("PLATFORM_".length()).toLowerCase(Locale.ROOT);
  }
}
