package dev.parley.rtc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.protocol.im.CallAccept;
import dev.parley.protocol.im.CallHangup;
import dev.parley.protocol.im.CallInvite;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Signal;
import dev.parley.protocol.im.SignalKind;
import dev.parley.rtc.RtcModule;
import dev.parley.core.time.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A server with IM and rtc for signaling tests, and call helpers over the raw IM test client. */
public final class CallClients {
  public static final Duration WAIT = Duration.ofSeconds(10);

  private CallClients() {}

  /** IM + rtc on ephemeral ports; relays may reach loopback. */
  public static ImServer.Builder server() {
    return ImServer.builder().with(RtcModule::new)
        .set("rtc.turn.secret", RtcTestServers.SECRET)
        .set("rtc.turn.allowed-peers", "127.0.0.0/8");
  }

  /** Like {@link #server()}, on {@code time}: ring timeouts, reconnect graces and room expiry follow it. */
  public static ImServer.Builder server(TimeSource time) {
    return server().time(time);
  }

  /**
   * The next event of {@code c} (not a push, not an answer, not a delivery receipt of a call
   * record), which must be of {@code type}.
   */
  public static Frame next(ImTestClient c, Frame.BodyCase type) {
    Frame f = c.nextEvent(WAIT);
    while (f.hasReceipt()) {
      f = c.nextEvent(WAIT);
    }
    assertThat(f.getBodyCase()).as("event of %s: %s", c, f).isEqualTo(type);
    return f;
  }

  public static void expectError(Frame answer, ErrorCode code) {
    assertThat(answer.getBodyCase()).as("answer %s", answer).isEqualTo(Frame.BodyCase.ERROR);
    assertThat(answer.getError().getCode()).isEqualTo(code);
    assertThat(answer.getError().getMessage()).isNotBlank();
  }

  /** Invites {@code callee}; returns the call id of the RINGING answer. */
  public static String invite(ImTestClient caller, String callee) {
    Frame f = caller.call(Frame.newBuilder().setCallInvite(CallInvite.newBuilder().setToUser(callee)
        .setMedia(CallMedia.CALL_MEDIA_VIDEO)));
    assertThat(f.hasCallState()).as("invite answer %s", f).isTrue();
    return f.getCallState().getCallId();
  }

  public static Frame accept(ImTestClient callee, String callId) {
    return callee.call(Frame.newBuilder().setCallAccept(CallAccept.newBuilder().setCallId(callId)));
  }

  public static Frame hangup(ImTestClient c, String callId) {
    return c.call(Frame.newBuilder().setCallHangup(CallHangup.newBuilder().setCallId(callId)));
  }

  public static Frame.Builder signal(String callId, SignalKind kind, String payload) {
    return Frame.newBuilder().setSignal(Signal.newBuilder().setCallId(callId).setKind(kind).setPayload(payload));
  }

  /** The call records pushed to {@code c} so far. */
  public static List<Message> records(ImTestClient c) {
    return c.pushed().stream().filter(m -> m.getKind() == MessageKind.MESSAGE_KIND_CALL).toList();
  }

  public static Predicate<Message> event(String event) {
    return m -> m.getEvent().equals(event);
  }
}
