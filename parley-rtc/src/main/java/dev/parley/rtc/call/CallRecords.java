package dev.parley.rtc.call;

import dev.parley.core.spi.ImGateway;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
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

  /**
   * What a record says of a call: its parties and media, when it was answered (0: never), why it
   * ended (unspecified while it rings), for how long it was active, when its ring times out.
   */
  record Ended(String id, String caller, String callee, CallMedia media, long answeredAt, CallEndReason reason,
      long durationMs, long expiresAt) {
    static Ended of(Call call) {
      return new Ended(call.id, call.caller, call.callee, call.media, call.answeredAt, call.endReason,
          call.durationMs(), call.expiresAt);
    }
  }

  /** The outcome name of a call that ended for its reason ("completed" when it was answered). */
  private static String outcome(Ended call) {
    if (call.answeredAt() != 0) {
      return "completed";
    }
    return switch (call.reason()) {
      case CALL_END_REASON_DECLINED -> "declined";
      case CALL_END_REASON_CANCELLED -> "cancelled";
      case CALL_END_REASON_BUSY -> "busy";
      default -> "missed";
    };
  }

  void ended(Call call) {
    ended(Ended.of(call));
  }

  /** Stores the record of {@code call}; completes when it is stored (or was already: its client id is the call's). */
  CompletableFuture<Message> ended(Ended call) {
    String outcome = outcome(call);
    String kind = call.media() == CallMedia.CALL_MEDIA_VIDEO ? "Video call" : "Call";
    String text = switch (outcome) {
      case "completed" -> kind + ", " + clock(call.durationMs());
      case "declined" -> kind + " declined";
      case "cancelled" -> kind + " cancelled";
      case "busy" -> kind + ": busy";
      default -> "Missed " + kind.toLowerCase(Locale.ROOT);
    };
    return store(call, "call:" + call.id(), "call." + outcome, text, outcome);
  }

  /** The callee has no online device: a message the offline-delivery hooks see. */
  void ringingOffline(Call call) {
    store(Ended.of(call), "call:" + call.id + ":ring", "call.ringing", "Incoming call from " + call.caller, "ringing");
  }

  private CompletableFuture<Message> store(Ended call, String clientId, String event, String text, String outcome) {
    Message draft = Message.newBuilder().setKind(MessageKind.MESSAGE_KIND_CALL).setClientId(clientId)
        .setEvent(event).setText(text)
        .putAttributes("call_id", call.id()).putAttributes("caller", call.caller())
        .putAttributes("callee", call.callee())
        .putAttributes("media", call.media() == CallMedia.CALL_MEDIA_VIDEO ? "video" : "audio")
        .putAttributes("outcome", outcome)
        .putAttributes("reason", reasonName(call.reason()))
        .putAttributes("duration_ms", Long.toString(call.durationMs()))
        .putAttributes("expires_at", Long.toString(call.expiresAt()))
        .build();
    return gateway.sendDirect(call.caller(), call.callee(), draft).whenComplete((m, e) -> {
      if (e != null) {
        log.warn("call {}: could not store its {} record: {}", call.id(), event, e.toString());
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
