package dev.parley.rtc.turn;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigException;
import dev.parley.rtc.config.RtcKeys;
import dev.parley.rtc.policy.Cidr;
import dev.parley.rtc.policy.PeerAddressPolicy;
import dev.parley.rtc.stun.ChannelData;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The TURN server's settings, resolved and checked at start.
 *
 * @param realm realm of the long-term credentials
 * @param nonceLifetimeMillis how long a nonce is good
 * @param defaultLifetimeSeconds allocation lifetime when the client asks for less
 * @param maxLifetimeSeconds longest allocation lifetime
 * @param permissionLifetimeMillis permission lifetime
 * @param channelLifetimeMillis channel binding lifetime
 * @param userQuota allocations per user (0: no cap)
 * @param totalQuota allocations in total (0: no cap)
 * @param maxPermissions permissions per allocation
 * @param bandwidth bytes per second per allocation and direction (0: no cap)
 * @param relayIp address relay sockets bind to
 * @param advertisedIp address put in XOR-RELAYED-ADDRESS
 * @param relayIp6 IPv6 relay address, or null
 * @param portMin lowest relay port
 * @param portMax highest relay port
 * @param policy peer address policy
 * @param maxDatagram largest datagram read
 * @param recvBatch datagrams per recvmmsg
 * @param sweepIntervalMillis how often expiry runs
 * @param maxChannel highest channel number a ChannelBind may use (0x4FFF, or 0x7FFF with RFC 5766 channels)
 */
public record TurnConfig(String realm, long nonceLifetimeMillis, long defaultLifetimeSeconds, long maxLifetimeSeconds,
    long permissionLifetimeMillis, long channelLifetimeMillis, int userQuota, int totalQuota, int maxPermissions,
    long bandwidth, InetAddress relayIp, InetAddress advertisedIp, InetAddress relayIp6, int portMin, int portMax,
    PeerAddressPolicy policy, int maxDatagram, int recvBatch, long sweepIntervalMillis, int maxChannel) {

  /** Reads and checks the rtc.turn keys; every problem is reported at once. */
  public static TurnConfig from(Config c) {
    List<String> problems = new ArrayList<>();
    if (c.get(RtcKeys.DEFAULT_LIFETIME).compareTo(c.get(RtcKeys.MAX_LIFETIME)) > 0) {
      problems.add("rtc.turn.allocation-lifetime must not exceed rtc.turn.max-allocation-lifetime");
    }
    int[] ports = {49152, 65535};
    String range = c.get(RtcKeys.RELAY_PORTS).trim();
    try {
      String[] parts = range.split("-");
      ports[0] = Integer.parseInt(parts[0].trim());
      ports[1] = Integer.parseInt(parts[parts.length - 1].trim());
      if (parts.length > 2 || ports[0] < 1024 || ports[1] > 65535 || ports[0] > ports[1]) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      problems.add("rtc.turn.relay-ports: " + range + " is not a port range low-high within 1024-65535");
    }
    InetAddress relayIp = null;
    InetAddress advertised = null;
    InetAddress relayIp6 = null;
    try {
      String r = c.get(RtcKeys.RELAY_IP);
      if (r == null) {
        String host = c.get(RtcKeys.UDP_HOST);
        InetAddress h = InetAddress.getByName(host);
        r = h instanceof Inet4Address && !h.isAnyLocalAddress() ? host : "0.0.0.0";
      }
      relayIp = ipv4(r, "rtc.turn.relay-ip");
      String e = c.get(RtcKeys.EXTERNAL_IP);
      advertised = e != null ? ipv4(e, "rtc.turn.external-ip") : relayIp.isAnyLocalAddress() ? firstHostAddress() : relayIp;
      String r6 = c.get(RtcKeys.RELAY_IP6);
      if (r6 != null) {
        relayIp6 = InetAddress.getByName(r6);
        if (!(relayIp6 instanceof Inet6Address) || relayIp6.isAnyLocalAddress()) {
          problems.add("rtc.turn.relay-ip6: " + r6 + " is not a specific IPv6 address");
        }
      }
    } catch (UnknownHostException | IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    List<Cidr> allowed = cidrs(c.get(RtcKeys.ALLOWED_PEERS), "rtc.turn.allowed-peers", problems);
    List<Cidr> denied = cidrs(c.get(RtcKeys.DENIED_PEERS), "rtc.turn.denied-peers", problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new TurnConfig(c.get(RtcKeys.REALM), c.get(RtcKeys.NONCE_LIFETIME).toMillis(),
        c.get(RtcKeys.DEFAULT_LIFETIME).toSeconds(), c.get(RtcKeys.MAX_LIFETIME).toSeconds(),
        c.get(RtcKeys.PERMISSION_LIFETIME).toMillis(), c.get(RtcKeys.CHANNEL_LIFETIME).toMillis(),
        userQuota(c), c.get(RtcKeys.TOTAL_QUOTA), c.get(RtcKeys.MAX_PERMISSIONS), c.get(RtcKeys.BANDWIDTH),
        relayIp, advertised, relayIp6, ports[0], ports[1],
        new PeerAddressPolicy(allowed, denied, ownAddresses(relayIp, advertised, relayIp6)),
        Math.toIntExact(c.get(RtcKeys.MAX_DATAGRAM)), c.get(RtcKeys.RECV_BATCH), c.get(RtcKeys.SWEEP_INTERVAL).toMillis(),
        c.get(RtcKeys.RFC5766_CHANNELS) ? 0x7FFF : ChannelData.MAX_BINDABLE);
  }

  /**
   * The TURN URLs of Parley's own listeners a client is given (UDP, TCP, TLS): a browser opens one
   * allocation per TURN URL for each peer connection (Chromium: UDP and TCP).
   */
  static int turnUrls(Config c) {
    int n = (c.get(RtcKeys.UDP_ENABLED) ? 1 : 0) + (RtcKeys.TCP.settings(c).enabled() ? 1 : 0)
        + (c.get(RtcKeys.TLS_ENABLED) ? 1 : 0);
    return Math.max(1, n);
  }

  /**
   * rtc.turn.user-quota, or by default what a user in a full room needs: one allocation per TURN
   * URL for each of the max-capacity - 1 peer connections, and one peer connection more (a 1:1
   * call, or an ICE restart that opens new allocations before the old ones are freed).
   */
  static int userQuota(Config c) {
    int q = c.get(RtcKeys.USER_QUOTA);
    return q == RtcKeys.USER_QUOTA_FOR_ROOMS ? c.get(RtcKeys.ROOM_MAX_CAPACITY) * turnUrls(c) : q;
  }

  /**
   * Why a configured user quota is too small for a full room of the default capacity, or null: a
   * user over it gets 486 from the first peer connection past the quota on.
   */
  public static String userQuotaWarning(Config c) {
    int q = userQuota(c);
    int room = Math.min(c.get(RtcKeys.ROOM_DEFAULT_CAPACITY), c.get(RtcKeys.ROOM_MAX_CAPACITY));
    int needed = (room - 1) * turnUrls(c);
    if (q == 0 || q >= needed) {
      return null;
    }
    return "rtc.turn.user-quota " + q + " is below the " + needed + " allocations a browser needs in a full room of "
        + room + " (rtc.room.default-capacity; " + turnUrls(c) + " TURN URLs per peer connection): its peer "
        + "connections past the quota get no relay (486)";
  }

  private static InetAddress ipv4(String s, String key) throws UnknownHostException {
    InetAddress a = InetAddress.getByName(s);
    if (!(a instanceof Inet4Address)) {
      throw new IllegalArgumentException(key + ": " + s + " is not an IPv4 address");
    }
    return a;
  }

  private static List<Cidr> cidrs(List<String> values, String key, List<String> problems) {
    List<Cidr> out = new ArrayList<>();
    for (String v : values) {
      try {
        out.add(Cidr.parse(v));
      } catch (IllegalArgumentException e) {
        problems.add(key + ": " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * The addresses a relay must not send to unless allowed: the relay, external and IPv6 relay
   * addresses, and every address of this host when relay sockets bind the wildcard (a relay bound
   * to 0.0.0.0 reaches each of them).
   */
  static List<InetAddress> ownAddresses(InetAddress relayIp, InetAddress advertised, InetAddress relayIp6) {
    List<InetAddress> own = new ArrayList<>(List.of(relayIp, advertised));
    if (relayIp6 != null) {
      own.add(relayIp6);
    }
    if (relayIp.isAnyLocalAddress()) {
      try {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          for (InetAddress a : Collections.list(ni.getInetAddresses())) {
            own.add(a);
          }
        }
      } catch (SocketException e) {
        // the configured addresses still count
      }
    }
    return own;
  }

  /** The first up, non-loopback IPv4 address of this host; loopback when there is none. */
  static InetAddress firstHostAddress() {
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
            return a;
          }
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return InetAddress.getLoopbackAddress();
  }
}
