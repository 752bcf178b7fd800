package dev.parley.rtc.call;

import dev.parley.core.spi.ImGateway;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the MESSAGE_KIND_CALL messages that calls leave in the 1:1 conversation, sent by the
 * caller: one record when a call ends, and a "call.ringing" message when the callee had no online
 * device at invite time, so that the offline-delivery hook (MQTT push, push providers) wakes them.
 * The client id is derived from the call id, so a record is stored at most once.
 */
final class CallRecords {
  private static final Logger log = LoggerFactory.getLogger(CallRecords.class);

  private final ImGateway gateway;

  CallRecords(ImGateway gateway) {
    this.gateway = gateway;
  }

  /** The outcome name of a call that ended for {@code reason} ("completed" when it was answered). */
  static String outcome(Call call) {
    if (call.answeredAt != 0) {
      return "completed";
    }
    return switch (call.endReason) {
      case CALL_END_REASON_DECLINED -> "declined";
      case CALL_END_REASON_CANCELLED -> "cancelled";
      case CALL_END_REASON_BUSY -> "busy";
      default -> "missed";
    };
  }

  void ended(Call call) {
    String outcome = outcome(call);
    String kind = call.media == CallMedia.CALL_MEDIA_VIDEO ? "Video call" : "Call";
    String text = switch (outcome) {
      case "completed" -> kind + ", " + clock(call.durationMs());
      case "declined" -> kind + " declined";
      case "cancelled" -> kind + " cancelled";
      case "busy" -> kind + ": busy";
      default -> "Missed " + kind.toLowerCase(Locale.ROOT);
    };
    store(call, "call:" + call.id, "call." + outcome, text, outcome);
  }

  /** The callee has no online device: a message the offline-delivery hooks see. */
  void ringingOffline(Call call) {
    store(call, "call:" + call.id + ":ring", "call.ringing", "Incoming call from " + call.caller, "ringing");
  }

  private void store(Call call, String clientId, String event, String text, String outcome) {
    Message draft = Message.newBuilder().setKind(MessageKind.MESSAGE_KIND_CALL).setClientId(clientId)
        .setEvent(event).setText(text)
        .putAttributes("call_id", call.id).putAttributes("caller", call.caller).putAttributes("callee", call.callee)
        .putAttributes("media", call.media == CallMedia.CALL_MEDIA_VIDEO ? "video" : "audio")
        .putAttributes("outcome", outcome)
        .putAttributes("reason", reasonName(call.endReason))
        .putAttributes("duration_ms", Long.toString(call.durationMs()))
        .putAttributes("expires_at", Long.toString(call.expiresAt))
        .build();
    gateway.sendDirect(call.caller, call.callee, draft).whenComplete((m, e) -> {
      if (e != null) {
        log.warn("call {}: could not store its {} record: {}", call.id, event, e.toString());
      }
    });
  }

  static String reasonName(CallEndReason r) {
    return r == CallEndReason.CALL_END_REASON_UNSPECIFIED ? ""
        : r.name().substring("CALL_END_REASON_".length()).toLowerCase(Locale.ROOT);
  }

  static String clock(long ms) {
    long s = ms / 1000;
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
  }
}
