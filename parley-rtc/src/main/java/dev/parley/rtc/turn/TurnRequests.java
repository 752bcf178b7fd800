package dev.parley.rtc.turn;

import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.stun.ChannelData;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunAttribute;
import dev.parley.rtc.stun.StunException;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.turn.RtcMetrics.Drop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Answers STUN and TURN requests and handles Send indications, in the order of checks RFC 8656
 * gives (sections 7.2, 8, 9.2, 10.2, 11.2). Runs on the client link's event loop.
 */
final class TurnRequests {
  /** Comprehension-required attributes this server understands in requests; others get 420. */
  private static final Set<Integer> KNOWN = Set.of(StunAttr.MAPPED_ADDRESS, StunAttr.USERNAME,
      StunAttr.MESSAGE_INTEGRITY, StunAttr.ERROR_CODE, StunAttr.CHANNEL_NUMBER, StunAttr.LIFETIME,
      StunAttr.XOR_PEER_ADDRESS, StunAttr.DATA, StunAttr.REALM, StunAttr.NONCE, StunAttr.REQUESTED_ADDRESS_FAMILY,
      StunAttr.EVEN_PORT, StunAttr.REQUESTED_TRANSPORT, StunAttr.DONT_FRAGMENT, StunAttr.MESSAGE_INTEGRITY_SHA256,
      StunAttr.XOR_MAPPED_ADDRESS, StunAttr.RESERVATION_TOKEN, StunAttr.PRIORITY, StunAttr.USE_CANDIDATE);
  private static final int UDP = 17;

  private final TurnServer server;
  private final TurnConfig config;

  TurnRequests(TurnServer server) {
    this.server = server;
    this.config = server.config();
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
      default -> error(link, m, null, 400, "Bad Request: unknown method 0x" + Integer.toHexString(m.method()));
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
      error(link, m, null, auth.errorCode(), auth.reason());
      return;
    }
    Allocation a = link.allocation();
    if (a != null && a.ready() && server.clock().millis() >= a.expiresAt) {
      // Expired but not swept yet: it is gone for the client either way.
      server.release(a);
      a = null;
    }
    if (m.method() == StunMethod.ALLOCATE) {
      allocate(link, m, auth, a);
      return;
    }
    if (a == null) {
      error(link, m, auth, 437, "Allocation Mismatch: no allocation on this 5-tuple");
      return;
    }
    if (!a.username.equals(auth.username())) {
      server.metrics().authFailure("wrong_credentials");
      error(link, m, auth, 441, "Wrong Credentials: the allocation belongs to another username");
      return;
    }
    try {
      switch (m.method()) {
        case StunMethod.REFRESH -> refresh(link, m, auth, a);
        case StunMethod.CREATE_PERMISSION -> createPermission(link, m, auth, a);
        default -> channelBind(link, m, auth, a);
      }
    } catch (StunException e) {
      error(link, m, auth, 400, "Bad Request: " + e.getMessage());
    }
  }

  private void allocate(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation existing) {
    if (existing != null) {
      if (Arrays.equals(existing.allocateTransactionId, m.transactionId())) {
        if (existing.ready()) {
          link.sendControl(existing.allocateResponse);
        }
        return;
      }
      error(link, m, auth, 437, "Allocation Mismatch: this 5-tuple already has an allocation");
      return;
    }
    StunAttribute transport = m.get(StunAttr.REQUESTED_TRANSPORT);
    if (transport == null || transport.value().length != 4) {
      error(link, m, auth, 400, "Bad Request: REQUESTED-TRANSPORT is required");
      return;
    }
    if ((transport.value()[0] & 0xFF) != UDP) {
      error(link, m, auth, 442, "Unsupported Transport Protocol: only UDP relays");
      return;
    }
    StunAttribute family = m.get(StunAttr.REQUESTED_ADDRESS_FAMILY);
    StunAttribute additional = m.get(StunAttr.ADDITIONAL_ADDRESS_FAMILY);
    StunAttribute evenPort = m.get(StunAttr.EVEN_PORT);
    StunAttribute token = m.get(StunAttr.RESERVATION_TOKEN);
    if (token != null && (evenPort != null || family != null)) {
      error(link, m, auth, 400, "Bad Request: RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY");
      return;
    }
    RelayPorts.Reservation reservation = null;
    if (token != null) {
      reservation = token.value().length == 8 ? server.ports().take(token.value(), server.clock().millis()) : null;
      if (reservation == null) {
        error(link, m, auth, 508, "Insufficient Capacity: no such reservation");
        return;
      }
    }
    if (family != null && additional != null) {
      error(link, m, auth, 400, "Bad Request: REQUESTED-ADDRESS-FAMILY with ADDITIONAL-ADDRESS-FAMILY");
      return;
    }
    if (additional != null && (additional.value().length != 4 || additional.value()[0] != TransportAddress.FAMILY_IPV6)) {
      error(link, m, auth, 400, "Bad Request: ADDITIONAL-ADDRESS-FAMILY must ask for IPv6");
      return;
    }
    boolean ipv6 = reservation != null && reservation.ipv6();
    if (family != null) {
      int f = family.value().length == 4 ? family.value()[0] : -1;
      if (f != TransportAddress.FAMILY_IPV4 && f != TransportAddress.FAMILY_IPV6) {
        error(link, m, auth, 440, "Address Family not Supported");
        return;
      }
      ipv6 = f == TransportAddress.FAMILY_IPV6;
      if (ipv6 && config.relayIp6() == null) {
        error(link, m, auth, 440, "Address Family not Supported: no IPv6 relay address is configured");
        return;
      }
    }
    if (evenPort != null && evenPort.value().length != 1) {
      error(link, m, auth, 400, "Bad Request: EVEN-PORT must be 1 byte");
      return;
    }
    boolean even = evenPort != null;
    boolean reserveNext = even && (evenPort.value()[0] & 0x80) != 0;
    long lifetime = desiredLifetime(m);
    int refused = server.quotas().acquire(auth.userId());
    if (refused != 0) {
      server.metrics().allocationRejected(refused);
      error(link, m, auth, refused, refused == 486 ? "Allocation Quota Reached" : "Insufficient Capacity");
      return;
    }
    Allocation a = server.newAllocation(link, auth.username(), auth.userId(), m.transactionId());
    a.expiresAt = server.clock().millis() + Math.max(lifetime, 1) * 1000;
    boolean relayIpv6 = ipv6;
    int fixedPort = reservation != null ? reservation.port() : -1;
    server.bindRelay(a, ipv6, even, reserveNext, fixedPort, ok -> {
      if (a.closed) {
        return;
      }
      if (!ok) {
        server.release(a);
        server.metrics().allocationRejected(508);
        error(link, m, auth, 508, "Insufficient Capacity: no relay port free");
        return;
      }
      StunMessageBuilder b = StunMessageBuilder.responseTo(m, StunMethod.SUCCESS)
          .address(StunAttr.XOR_RELAYED_ADDRESS, a.relayed)
          .u32(StunAttr.LIFETIME, lifetime)
          .address(StunAttr.XOR_MAPPED_ADDRESS, TransportAddress.of(link.remote()));
      if (additional != null) {
        b.add(StunAttr.ADDRESS_ERROR_CODE, new byte[] {TransportAddress.FAMILY_IPV6, 0, 4, 40});
      }
      if (reserveNext) {
        b.add(StunAttr.RESERVATION_TOKEN, server.ports().reserve(a.relayed.port() + 1, relayIpv6, server.clock().millis()));
      }
      a.allocateResponse = sign(b, m, auth);
      link.sendControl(a.allocateResponse);
    });
  }

  /** RFC 8656 section 7.2 step 7: the requested lifetime capped at the maximum and raised to the default. */
  private long desiredLifetime(StunMessage m) {
    StunAttribute l = m.get(StunAttr.LIFETIME);
    if (l == null) {
      return config.defaultLifetimeSeconds();
    }
    long requested = l.u32();
    if (requested == 0) {
      return 0;
    }
    return Math.max(config.defaultLifetimeSeconds(), Math.min(Math.max(requested, 0), config.maxLifetimeSeconds()));
  }

  private void refresh(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation a) {
    StunAttribute family = m.get(StunAttr.REQUESTED_ADDRESS_FAMILY);
    if (family != null && a.relayed != null && (family.value().length != 4 || family.value()[0] != a.relayed.family())) {
      error(link, m, auth, 443, "Peer Address Family Mismatch: the allocation has another family");
      return;
    }
    long lifetime = desiredLifetime(m);
    if (lifetime == 0) {
      server.release(a);
    } else {
      a.expiresAt = server.clock().millis() + lifetime * 1000;
    }
    link.sendControl(sign(StunMessageBuilder.responseTo(m, StunMethod.SUCCESS).u32(StunAttr.LIFETIME, lifetime), m, auth));
  }

  private void createPermission(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation a)
      throws StunException {
    List<InetAddress> ips = new ArrayList<>();
    for (StunAttribute attr : m.attributes()) {
      if (attr.type() != StunAttr.XOR_PEER_ADDRESS) {
        continue;
      }
      TransportAddress peer = dev.parley.rtc.stun.AddressCodec.decode(attr.value(), m.transactionId(), true);
      if (!checkPeer(link, m, auth, a, new TransportAddress(peer.ip(), Math.max(peer.port(), 1)))) {
        return;
      }
      ips.add(peer.toSocketAddress().getAddress());
    }
    if (ips.isEmpty()) {
      error(link, m, auth, 400, "Bad Request: XOR-PEER-ADDRESS is required");
      return;
    }
    if (!a.canInstallPermissions(ips)) {
      error(link, m, auth, 508, "Insufficient Capacity: too many permissions on this allocation");
      return;
    }
    long now = server.clock().millis();
    for (InetAddress ip : ips) {
      a.installPermission(ip, now);
    }
    link.sendControl(sign(StunMessageBuilder.responseTo(m, StunMethod.SUCCESS), m, auth));
  }

  private void channelBind(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation a)
      throws StunException {
    StunAttribute number = m.get(StunAttr.CHANNEL_NUMBER);
    TransportAddress peer = m.address(StunAttr.XOR_PEER_ADDRESS);
    if (number == null || number.value().length != 4) {
      error(link, m, auth, 400, "Bad Request: CHANNEL-NUMBER is required");
      return;
    }
    int channel = ((number.value()[0] & 0xFF) << 8) | (number.value()[1] & 0xFF);
    if (channel < ChannelData.MIN_BINDABLE || channel > config.maxChannel()) {
      error(link, m, auth, 400, "Bad Request: channel numbers are 0x4000-0x" + Integer.toHexString(config.maxChannel()));
      return;
    }
    if (peer == null) {
      error(link, m, auth, 400, "Bad Request: XOR-PEER-ADDRESS is required");
      return;
    }
    if (!checkPeer(link, m, auth, a, peer)) {
      return;
    }
    InetSocketAddress to = peer.toSocketAddress();
    long now = server.clock().millis();
    String conflict = a.channelConflict(channel, to, now);
    if (conflict != null) {
      error(link, m, auth, 400, "Bad Request: " + conflict);
      return;
    }
    if (!a.canInstallPermissions(List.of(to.getAddress()))) {
      error(link, m, auth, 508, "Insufficient Capacity: too many permissions on this allocation");
      return;
    }
    a.bindChannel(channel, to, now);
    a.installPermission(to.getAddress(), now);
    link.sendControl(sign(StunMessageBuilder.responseTo(m, StunMethod.SUCCESS), m, auth));
  }

  /** The policy and family checks on a peer address; answers the error itself and returns false when refused. */
  private boolean checkPeer(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation a,
      TransportAddress peer) {
    String denied = config.policy().deniedReason(peer);
    if (denied != null) {
      server.metrics().deniedPeer();
      error(link, m, auth, 403, "Forbidden: " + denied);
      return false;
    }
    if (a.relayed != null && peer.family() != a.relayed.family()) {
      error(link, m, auth, 443, "Peer Address Family Mismatch");
      return false;
    }
    return true;
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

  private static byte[] sign(StunMessageBuilder b, StunMessage request, Authenticator.Result auth) {
    StunMessageBuilder.Integrity kind = auth.sha256() ? StunMessageBuilder.Integrity.SHA256 : StunMessageBuilder.Integrity.SHA1;
    return b.build(auth.key(), kind, request.hasFingerprint());
  }

  /** An error response: signed when the request authenticated, with REALM and a fresh NONCE for 401 and 438. */
  private void error(ClientLink link, StunMessage m, Authenticator.Result auth, int code, String reason) {
    StunMessageBuilder b = StunMessageBuilder.responseTo(m, StunMethod.ERROR).error(code, reason);
    if (code == 401 || code == 438) {
      b.text(StunAttr.REALM, server.authenticator().realm());
      b.text(StunAttr.NONCE, server.authenticator().freshNonce(link.remote().getAddress().getAddress()));
    }
    if (auth != null && auth.ok()) {
      link.sendControl(sign(b, m, auth));
    } else {
      link.sendControl(b.build(null, StunMessageBuilder.Integrity.NONE, m.hasFingerprint()));
    }
  }
}
