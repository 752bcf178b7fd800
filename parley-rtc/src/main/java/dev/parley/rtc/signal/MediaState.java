package dev.parley.rtc.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.http.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The payload of a {@code SIGNAL_KIND_MEDIA} signal: what the sender's camera and microphone send,
 * {@code {"video": false, "audio": true}}. Browsers do not tell the peer that a track was switched
 * off (it just sends black or silence), so clients say it here and the peer shows "camera off".
 */
public final class MediaState {
  private static final Set<String> KEYS = Set.of("audio", "video");

  private MediaState() {}

  /** Why {@code payload} is not a media state, or null when it is one. */
  public static String problem(String payload) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || !node.isObject() || node.isEmpty()) {
      return "a media signal's payload is a JSON object with \"audio\" and/or \"video\" booleans";
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!KEYS.contains(e.getKey())) {
        return "a media signal has only \"audio\" and \"video\", not \"" + e.getKey() + "\"";
      }
      if (!e.getValue().isBoolean()) {
        return "a media signal's \"" + e.getKey() + "\" is true or false";
      }
    }
    return null;
  }
}
