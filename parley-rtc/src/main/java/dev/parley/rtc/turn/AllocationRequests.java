package dev.parley.rtc.turn;

import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunAttribute;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import java.util.Arrays;

/**
 * The requests that make and keep an allocation: Allocate (the relay address family, EVEN-PORT and
 * reservations, the quota, the lifetime, the relay socket) and Refresh. Called by
 * {@link TurnRequests} once the request authenticated; on the client link's event loop.
 */
final class AllocationRequests {
  private static final int UDP = 17;

  private final TurnServer server;
  private final TurnConfig config;
  private final TurnAnswers answers;

  AllocationRequests(TurnServer server, TurnAnswers answers) {
    this.server = server;
    this.config = server.config();
    this.answers = answers;
  }

  /** Allocate (RFC 8656 section 7.2): {@code existing} is the 5-tuple's allocation, if any. */
  void allocate(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation existing) {
    if (existing != null) {
      if (Arrays.equals(existing.allocateTransactionId, m.transactionId())) {
        if (existing.ready()) {
          link.sendControl(existing.allocateResponse);
        }
        return;
      }
      answers.error(link, m, auth, 437, "Allocation Mismatch: this 5-tuple already has an allocation");
      return;
    }
    StunAttribute transport = m.get(StunAttr.REQUESTED_TRANSPORT);
    if (transport == null || transport.value().length != 4) {
      answers.error(link, m, auth, 400, "Bad Request: REQUESTED-TRANSPORT is required");
      return;
    }
    if ((transport.value()[0] & 0xFF) != UDP) {
      answers.error(link, m, auth, 442, "Unsupported Transport Protocol: only UDP relays");
      return;
    }
    StunAttribute family = m.get(StunAttr.REQUESTED_ADDRESS_FAMILY);
    StunAttribute additional = m.get(StunAttr.ADDITIONAL_ADDRESS_FAMILY);
    StunAttribute evenPort = m.get(StunAttr.EVEN_PORT);
    StunAttribute token = m.get(StunAttr.RESERVATION_TOKEN);
    if (token != null && (evenPort != null || family != null)) {
      answers.error(link, m, auth, 400, "Bad Request: RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY");
      return;
    }
    RelayPorts.Reservation reservation = null;
    if (token != null) {
      reservation = token.value().length == 8 ? server.ports().take(token.value(), server.clock().millis()) : null;
      if (reservation == null) {
        answers.error(link, m, auth, 508, "Insufficient Capacity: no such reservation");
        return;
      }
    }
    if (family != null && additional != null) {
      answers.error(link, m, auth, 400, "Bad Request: REQUESTED-ADDRESS-FAMILY with ADDITIONAL-ADDRESS-FAMILY");
      return;
    }
    if (additional != null && (additional.value().length != 4 || additional.value()[0] != TransportAddress.FAMILY_IPV6)) {
      answers.error(link, m, auth, 400, "Bad Request: ADDITIONAL-ADDRESS-FAMILY must ask for IPv6");
      return;
    }
    boolean ipv6 = reservation != null && reservation.ipv6();
    if (family != null) {
      int f = family.value().length == 4 ? family.value()[0] : -1;
      if (f != TransportAddress.FAMILY_IPV4 && f != TransportAddress.FAMILY_IPV6) {
        answers.error(link, m, auth, 440, "Address Family not Supported");
        return;
      }
      ipv6 = f == TransportAddress.FAMILY_IPV6;
      if (ipv6 && config.relayIp6() == null) {
        answers.error(link, m, auth, 440, "Address Family not Supported: no IPv6 relay address is configured");
        return;
      }
    }
    if (evenPort != null && evenPort.value().length != 1) {
      answers.error(link, m, auth, 400, "Bad Request: EVEN-PORT must be 1 byte");
      return;
    }
    boolean even = evenPort != null;
    boolean reserveNext = even && (evenPort.value()[0] & 0x80) != 0;
    long lifetime = desiredLifetime(m);
    int refused = server.quotas().acquire(auth.userId());
    if (refused != 0) {
      server.metrics().allocationRejected(refused);
      answers.error(link, m, auth, refused, refused == 486 ? "Allocation Quota Reached" : "Insufficient Capacity");
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
        answers.error(link, m, auth, 508, "Insufficient Capacity: no relay port free");
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
      a.allocateResponse = TurnAnswers.sign(b, m, auth);
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

  /** Refresh (section 7.3): a new lifetime, or 0 to free the allocation. */
  void refresh(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation a) {
    StunAttribute family = m.get(StunAttr.REQUESTED_ADDRESS_FAMILY);
    if (family != null && a.relayed != null && (family.value().length != 4 || family.value()[0] != a.relayed.family())) {
      answers.error(link, m, auth, 443, "Peer Address Family Mismatch: the allocation has another family");
      return;
    }
    long lifetime = desiredLifetime(m);
    if (lifetime == 0) {
      server.release(a);
    } else {
      a.expiresAt = server.clock().millis() + lifetime * 1000;
    }
    link.sendControl(TurnAnswers.sign(StunMessageBuilder.responseTo(m, StunMethod.SUCCESS).u32(StunAttr.LIFETIME, lifetime), m, auth));
  }
}
