package dev.parley.live.control;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may publish and play.
 *
 * @param loopbackOpen clients on this machine need no key or token
 * @param publishOpen anyone may publish (for setups that decide in the on_publish callback)
 * @param playOpen anyone may play
 * @param publishKeys stream keys for publishing: {@code app/stream} (or {@code app/*}) to key
 * @param playKeys stream keys for playing
 * @param onPublish callback asked before a publish (2xx allows), or null
 * @param onPlay callback asked before a play, or null
 * @param onDone callback told when a publish or play ends, or null
 * @param hookTimeout how long a callback may take before the request is refused
 */
public record AccessSettings(boolean loopbackOpen, boolean publishOpen, boolean playOpen, Map<String, String> publishKeys,
    Map<String, String> playKeys, URI onPublish, URI onPlay, URI onDone, Duration hookTimeout) {

  /** Parses {@code app/stream=key} entries. */
  public static Map<String, String> parseKeys(List<String> entries) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1 || e.indexOf('/') <= 0) {
        throw new IllegalArgumentException("stream key entry '" + e + "' is not app/stream=key");
      }
      out.put(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
    }
    return out;
  }
}
