package dev.parley.rtc.turn;

import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunAttribute;
import dev.parley.rtc.stun.StunException;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.turn.RtcMetrics.Drop;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Answers STUN and TURN requests and handles Send indications, in the order of checks RFC 8656
 * gives (sections 7.2, 8, 9.2, 10.2, 11.2): unknown comprehension-required attributes, Binding,
 * then for the authenticated methods the credentials and the 5-tuple's allocation, before
 * {@link AllocationRequests} and {@link PeerRequests} take over. Runs on the client link's event loop.
 */
final class TurnRequests {
  /** Comprehension-required attributes this server understands in requests; others get 420. */
  private static final Set<Integer> KNOWN = Set.of(StunAttr.MAPPED_ADDRESS, StunAttr.USERNAME,
      StunAttr.MESSAGE_INTEGRITY, StunAttr.ERROR_CODE, StunAttr.CHANNEL_NUMBER, StunAttr.LIFETIME,
      StunAttr.XOR_PEER_ADDRESS, StunAttr.DATA, StunAttr.REALM, StunAttr.NONCE, StunAttr.REQUESTED_ADDRESS_FAMILY,
      StunAttr.EVEN_PORT, StunAttr.REQUESTED_TRANSPORT, StunAttr.DONT_FRAGMENT, StunAttr.MESSAGE_INTEGRITY_SHA256,
      StunAttr.XOR_MAPPED_ADDRESS, StunAttr.RESERVATION_TOKEN, StunAttr.PRIORITY, StunAttr.USE_CANDIDATE);

  private final TurnServer server;
  private final TurnConfig config;
  private final TurnAnswers answers;
  private final AllocationRequests allocations;
  private final PeerRequests peers;

  TurnRequests(TurnServer server) {
    this.server = server;
    this.config = server.config();
    this.answers = new TurnAnswers(server.authenticator());
    this.allocations = new AllocationRequests(server, answers);
    this.peers = new PeerRequests(server, answers);
  }

  void handle(ClientLink link, StunMessage m) {
    if (m.cls() == StunMethod.INDICATION) {
      if (m.method() == StunMethod.SEND) {
        send(link, m);
      }
      return;
    }
    if (m.cls() != StunMethod.REQUEST) {
      return;
    }
    List<Integer> unknown = new ArrayList<>();
    for (StunAttribute a : m.attributes()) {
      if (StunAttr.comprehensionRequired(a.type()) && !KNOWN.contains(a.type()) && !unknown.contains(a.type())) {
        unknown.add(a.type());
      }
    }
    if (!unknown.isEmpty()) {
      byte[] list = new byte[unknown.size() * 2];
      for (int i = 0; i < unknown.size(); i++) {
        list[2 * i] = (byte) (unknown.get(i) >>> 8);
        list[2 * i + 1] = (byte) (int) unknown.get(i);
      }
      link.sendControl(StunMessageBuilder.responseTo(m, StunMethod.ERROR).error(420, "Unknown Attribute")
          .add(StunAttr.UNKNOWN_ATTRIBUTES, list).build(null, StunMessageBuilder.Integrity.NONE, m.hasFingerprint()));
      return;
    }
    switch (m.method()) {
      case StunMethod.BINDING -> binding(link, m);
      case StunMethod.ALLOCATE, StunMethod.REFRESH, StunMethod.CREATE_PERMISSION, StunMethod.CHANNEL_BIND ->
          authenticated(link, m);
      default -> answers.error(link, m, null, 400, "Bad Request: unknown method 0x" + Integer.toHexString(m.method()));
    }
  }

  private void binding(ClientLink link, StunMessage m) {
    TransportAddress mapped = TransportAddress.of(link.remote());
    link.sendControl(StunMessageBuilder.responseTo(m, StunMethod.SUCCESS)
        .address(StunAttr.XOR_MAPPED_ADDRESS, mapped)
        .address(StunAttr.MAPPED_ADDRESS, mapped)
        .build(null, StunMessageBuilder.Integrity.NONE, m.hasFingerprint()));
  }

  private void authenticated(ClientLink link, StunMessage m) {
    Authenticator.Result auth = server.authenticator().check(m, link.remote().getAddress().getAddress());
    if (!auth.ok()) {
      if (auth.failure() != Authenticator.Failure.CHALLENGE) {
        server.metrics().authFailure(auth.failure().name().toLowerCase(Locale.ROOT));
      }
      answers.error(link, m, null, auth.errorCode(), auth.reason());
      return;
    }
    Allocation a = link.allocation();
    if (a != null && a.ready() && server.clock().millis() >= a.expiresAt) {
      // Expired but not swept yet: it is gone for the client either way.
      server.release(a);
      a = null;
    }
    if (m.method() == StunMethod.ALLOCATE) {
      allocations.allocate(link, m, auth, a);
      return;
    }
    if (a == null) {
      answers.error(link, m, auth, 437, "Allocation Mismatch: no allocation on this 5-tuple");
      return;
    }
    if (!a.username.equals(auth.username())) {
      server.metrics().authFailure("wrong_credentials");
      answers.error(link, m, auth, 441, "Wrong Credentials: the allocation belongs to another username");
      return;
    }
    try {
      switch (m.method()) {
        case StunMethod.REFRESH -> allocations.refresh(link, m, auth, a);
        case StunMethod.CREATE_PERMISSION -> peers.createPermission(link, m, auth, a);
        default -> peers.channelBind(link, m, auth, a);
      }
    } catch (StunException e) {
      answers.error(link, m, auth, 400, "Bad Request: " + e.getMessage());
    }
  }

  private void send(ClientLink link, StunMessage m) {
    Allocation a = link.allocation();
    if (a == null || !a.ready()) {
      server.metrics().dropped(Drop.NO_ALLOCATION);
      return;
    }
    StunAttribute data = m.get(StunAttr.DATA);
    TransportAddress peer;
    try {
      peer = m.address(StunAttr.XOR_PEER_ADDRESS);
    } catch (StunException e) {
      peer = null;
    }
    if (data == null || peer == null || peer.family() != a.relayed.family()) {
      server.metrics().dropped(Drop.MALFORMED);
      return;
    }
    if (config.policy().deniedReason(peer) != null) {
      server.metrics().dropped(Drop.DENIED_PEER);
      return;
    }
    a.fromClientSend(data.value(), peer.toSocketAddress());
  }
}
