package dev.parley.rtc.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.spi.ImGateway.SessionListener;
import dev.parley.core.testing.ManualTime;
import dev.parley.protocol.im.CallInvite;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.LoginOk;
import dev.parley.protocol.im.Message;
import dev.parley.rtc.signal.SignalConfig;
import dev.parley.rtc.signal.SignalMetrics;
import dev.parley.rtc.signal.SignalRoutes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Calls reach the callee's devices through {@link SignalRoutes}, not through this node's IM
 * gateway: a device the routes report from another node rings like one here.
 */
class CallRoutesTest {
  private final Map<String, List<ImSession>> online = new HashMap<>();
  private final List<Message> stored = new ArrayList<>();
  private final SignalRoutes routes = new SignalRoutes() {
    @Override
    public List<ImSession> sessionsOf(String user) {
      return online.getOrDefault(user, List.of());
    }

    @Override
    public void addSessionListener(SessionListener listener) {}
  };
  /** This node's gateway: it knows no sessions at all, and stores call records. */
  private final ImGateway gateway = new ImGateway() {
    @Override
    public void handle(Frame.BodyCase bodyCase, FrameHandler handler) {}

    @Override
    public List<ImSession> sessions(String user) {
      return List.of();
    }

    @Override
    public int sendToUser(String user, Frame frame) {
      return 0;
    }

    @Override
    public void addSessionListener(SessionListener listener) {}

    @Override
    public CompletableFuture<Message> sendDirect(String sender, String peer, Message draft) {
      stored.add(draft);
      return CompletableFuture.completedFuture(draft);
    }

    @Override
    public void addLoginDecorator(BiConsumer<String, LoginOk.Builder> decorator) {}
  };
  private final ManualTime time = new ManualTime();
  private final SignalConfig config = new SignalConfig(Duration.ofSeconds(30), Duration.ofSeconds(20), 3, 16384, 4, 8,
      100, 4, Duration.ofMinutes(1), false, false);
  private final CallMetrics metrics = new CallMetrics(new SimpleMeterRegistry());
  private final Calls calls = new Calls(ImmediateEventExecutor.INSTANCE, gateway, config, metrics, time);
  private final CallRequests requests = new CallRequests(calls, routes, config, metrics,
      new SignalMetrics(new SimpleMeterRegistry()), time);

  /** A session that records what it is sent, wherever it is connected. */
  record Device(String user, String deviceId, String sessionId, List<Frame> received) implements ImSession {
    Device(String user, String deviceId, String sessionId) {
      this(user, deviceId, sessionId, new ArrayList<>());
    }

    @Override
    public void send(Frame frame) {
      received.add(frame);
    }
  }

  @Test
  void inviteRingsEveryDeviceTheRoutesReportWhereverItIs() {
    Device alice = new Device("alice", "a1", "s-alice");
    Device bobHere = new Device("bob", "b1", "s-bob-1");
    Device bobElsewhere = new Device("bob", "b2", "s-bob-2-on-node-2");
    online.put("bob", List.of(bobHere, bobElsewhere));
    requests.invite(alice, 7, CallInvite.newBuilder().setToUser("bob").build());
    assertThat(alice.received()).singleElement().satisfies(f -> {
      assertThat(f.getReq()).isEqualTo(7);
      assertThat(f.getCallState().getStatus()).isEqualTo(CallStatus.CALL_STATUS_RINGING);
    });
    for (Device d : List.of(bobHere, bobElsewhere)) {
      assertThat(d.received()).singleElement().satisfies(f -> assertThat(f.getCallRing().getCaller()).isEqualTo("alice"));
    }
    assertThat(stored).as("no offline record: bob has devices online").isEmpty();
  }

  @Test
  void calleeTheRoutesReportNoDeviceForGetsTheRingingRecord() {
    Device alice = new Device("alice", "a1", "s-alice");
    requests.invite(alice, 1, CallInvite.newBuilder().setToUser("carol").build());
    assertThat(stored).singleElement().satisfies(m -> assertThat(m.getEvent()).isEqualTo("call.ringing"));
  }
}
