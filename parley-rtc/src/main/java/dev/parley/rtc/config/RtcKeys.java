package dev.parley.rtc.config;

import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.ListenerKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Configuration keys of the rtc module (prefix {@code rtc.}). */
public final class RtcKeys {
  private RtcKeys() {}

  public static final ConfigKey<Boolean> UDP_ENABLED = ConfigKey.bool("rtc.turn.udp.enabled", true,
      "Whether the STUN/TURN UDP listener runs.");
  public static final ConfigKey<String> UDP_HOST = ConfigKey.string("rtc.turn.udp.host", "0.0.0.0",
      "Address the STUN/TURN UDP listener binds.");
  public static final ConfigKey<Integer> UDP_PORT = ConfigKey.port("rtc.turn.udp.port", 3478,
      "Port of the STUN/TURN UDP listener.");
  public static final ListenerKeys TCP = new ListenerKeys("rtc.turn.tcp", "STUN/TURN TCP", 3478, 200);
  public static final ConfigKey<Boolean> TLS_ENABLED = ConfigKey.bool("rtc.turn.tls.enabled", false,
      "Whether the STUN/TURN over TLS listener (turns:) runs; it uses tls.cert-file and tls.key-file.");
  public static final ConfigKey<String> TLS_HOST = ConfigKey.string("rtc.turn.tls.host", "0.0.0.0",
      "Address the STUN/TURN TLS listener binds.");
  public static final ConfigKey<Integer> TLS_PORT = ConfigKey.port("rtc.turn.tls.port", 5349,
      "Port of the STUN/TURN TLS listener.");
  public static final ConfigKey<Integer> TLS_MAX_PER_IP = ConfigKey.integer("rtc.turn.tls.max-connections-per-ip",
      200, 0, 1_000_000, "Open TLS connections allowed from one IP address (0: no cap); bounds one host's share.");

  public static final ConfigKey<String> REALM = ConfigKey.string("rtc.turn.realm", "parley",
      "Realm of the long-term credentials; clients hash it into their key.");
  public static final ConfigKey<String> SECRET = ConfigKey.secret("rtc.turn.secret",
      "Shared secret of the REST credentials (coturn's static-auth-secret): password = base64(HMAC-SHA1(secret, "
          + "username)). Unset: generated into <data.dir>/turn.secret. Give an external coturn the same value.");
  public static final ConfigKey<Duration> NONCE_LIFETIME = ConfigKey.duration("rtc.turn.nonce-lifetime",
      Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1),
      "How long a nonce is good; afterwards requests get 438 Stale Nonce and a fresh one (limits replay).");
  public static final ConfigKey<Duration> DEFAULT_LIFETIME = ConfigKey.duration("rtc.turn.allocation-lifetime",
      Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(1),
      "Lifetime of an allocation that is not refreshed (RFC 8656 default 10 minutes); a shorter request is raised to it.");
  public static final ConfigKey<Duration> MAX_LIFETIME = ConfigKey.duration("rtc.turn.max-allocation-lifetime",
      Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(1),
      "Longest lifetime a client may ask for; bounds how long a vanished client holds a relay port.");
  public static final ConfigKey<Duration> PERMISSION_LIFETIME = ConfigKey.duration("rtc.turn.permission-lifetime",
      Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1), "Lifetime of a permission (RFC 8656: 5 minutes).");
  public static final ConfigKey<Duration> CHANNEL_LIFETIME = ConfigKey.duration("rtc.turn.channel-lifetime",
      Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(1), "Lifetime of a channel binding (RFC 8656: 10 minutes).");
  /** The value of {@link #USER_QUOTA} that means "enough for a full room". */
  public static final int USER_QUOTA_FOR_ROOMS = -1;
  public static final ConfigKey<Integer> USER_QUOTA = ConfigKey.integer("rtc.turn.user-quota", USER_QUOTA_FOR_ROOMS,
      -1, 1_000_000, "Allocations one user may hold at once (0: no cap); more get 486. Stops one account from taking "
          + "every relay port. -1 (the default): rtc.room.max-capacity times the TURN URLs clients are given (UDP, TCP, "
          + "TLS), since a browser opens one allocation per TURN URL for each of the n-1 peer connections of a room.");
  public static final ConfigKey<Integer> TOTAL_QUOTA = ConfigKey.integer("rtc.turn.total-quota", 10_000, 0, 1_000_000,
      "Allocations the server holds at once (0: no cap); more get 508. Bounds ports, sockets and memory.");
  public static final ConfigKey<Integer> MAX_PERMISSIONS = ConfigKey.integer("rtc.turn.max-permissions", 64, 1, 65_536,
      "Peer addresses one allocation may hold permissions for; bounds per-allocation memory.");
  public static final ConfigKey<Long> BANDWIDTH = ConfigKey.size("rtc.turn.allocation-bandwidth", 0, 0, 1L << 34,
      "Bytes per second one allocation may relay in each direction (0: no cap); packets over it are dropped.");
  public static final ConfigKey<Boolean> RFC5766_CHANNELS = ConfigKey.bool("rtc.turn.rfc5766-channels", false,
      "Also bind channel numbers 0x5000-0x7FFF, as RFC 5766 allowed (older clients such as coturn's turnutils_uclient "
          + "pick from it). Off: RFC 8656's 0x4000-0x4FFF only; frames for higher numbers are dropped.");
  public static final ConfigKey<String> RELAY_IP = ConfigKey.string("rtc.turn.relay-ip", null,
      "IPv4 address relay sockets bind to. Unset: the UDP listener's address if it is a specific one, else 0.0.0.0.");
  public static final ConfigKey<String> EXTERNAL_IP = ConfigKey.string("rtc.turn.external-ip", null,
      "IPv4 address put in XOR-RELAYED-ADDRESS, for servers behind 1:1 NAT. Unset: relay-ip, or this host's first "
          + "non-loopback address.");
  public static final ConfigKey<String> RELAY_IP6 = ConfigKey.string("rtc.turn.relay-ip6", null,
      "IPv6 address for IPv6 relays (REQUESTED-ADDRESS-FAMILY). Unset: IPv6 allocations get 440.");
  public static final ConfigKey<String> RELAY_PORTS = ConfigKey.string("rtc.turn.relay-ports", "49152-65535",
      "Port range of relay sockets, low-high; when no port in it is free an allocation gets 508.");
  public static final ConfigKey<List<String>> ALLOWED_PEERS = ConfigKey.list("rtc.turn.allowed-peers", List.of(),
      "Address ranges (CIDR) relays may send to although denied by default (loopback, private, the server's own "
          + "addresses, ...); the most specific of allowed-peers and denied-peers decides. For tests and private "
          + "deployments only: on a public server this opens the internal network to anyone with credentials.");
  public static final ConfigKey<List<String>> DENIED_PEERS = ConfigKey.list("rtc.turn.denied-peers", List.of(),
      "Address ranges (CIDR) refused in addition to the built-in deny list; a more specific allowed-peers range "
          + "opens a part of one, and a denied range inside an allowed one closes it.");
  public static final ConfigKey<Long> MAX_DATAGRAM = ConfigKey.size("rtc.turn.max-datagram-size", 4096, 548, 65_535,
      "Largest UDP datagram read from clients and peers; longer ones are cut and dropped. WebRTC packets stay under 1500.");
  public static final ConfigKey<Integer> RECV_BATCH = ConfigKey.integer("rtc.turn.recv-batch", 16, 1, 256,
      "Datagrams read per system call (recvmmsg) on epoll; fewer syscalls under load.");
  public static final ConfigKey<Duration> SWEEP_INTERVAL = ConfigKey.duration("rtc.turn.sweep-interval",
      Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1),
      "How often expired allocations, permissions and channels are removed.");
  public static final ConfigKey<Duration> TCP_HANDSHAKE_TIMEOUT = ConfigKey.duration("rtc.turn.tcp.handshake-timeout",
      Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10),
      "A TCP/TLS connection that has no allocation this long after connecting is closed (frees idle sockets).");
  public static final ConfigKey<Duration> TCP_IDLE_TIMEOUT = ConfigKey.duration("rtc.turn.tcp.idle-timeout",
      Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofHours(2),
      "A TCP/TLS connection without an allocation and with no traffic this long is closed.");

  public static final ConfigKey<String> PUBLIC_HOST = ConfigKey.string("rtc.ice.public-host", null,
      "Host name or IP put in the STUN/TURN URLs given to clients. Unset: the host the client used for the HTTP request.");
  public static final ConfigKey<Duration> CREDENTIAL_TTL = ConfigKey.duration("rtc.ice.credential-ttl",
      Duration.ofHours(12), Duration.ofMinutes(1), Duration.ofDays(30),
      "Lifetime of the ephemeral TURN credentials handed to clients (the expiry in the username).");
  public static final ConfigKey<List<String>> ICE_URLS = ConfigKey.list("rtc.ice.urls", List.of(),
      "When set, these STUN/TURN URLs replace Parley's own (for an external coturn sharing rtc.turn.secret), "
          + "like turn:turn.example.com:3478?transport=udp.");
  public static final ConfigKey<List<String>> ICE_EXTRA_URLS = ConfigKey.list("rtc.ice.extra-urls", List.of(),
      "STUN/TURN URLs added to Parley's own (a second region, a public STUN server); TURN ones get the same credentials.");

  public static final ConfigKey<Duration> CALL_RING_TIMEOUT = ConfigKey.duration("rtc.call.ring-timeout",
      Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMinutes(10),
      "How long an unanswered call rings before it ends as missed (TIMEOUT); bounds how long an invite holds state.");
  public static final ConfigKey<Duration> CALL_RECONNECT_GRACE = ConfigKey.duration("rtc.call.reconnect-grace",
      Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(5),
      "How long a call waits for a party whose connection dropped to log in again on the same device; afterwards "
          + "the call ends (CONNECTION_LOST). Covers a network switch without keeping dead calls open.");
  public static final ConfigKey<Integer> CALL_MAX_INVITES = ConfigKey.integer("rtc.call.max-invites-per-user", 3, 1,
      1000, "Unanswered invites one user may have ringing at once; more are refused (LIMIT_EXCEEDED), so one account "
          + "cannot ring everyone.");
  public static final ConfigKey<Long> SIGNAL_MAX_PAYLOAD = ConfigKey.size("rtc.signal.max-payload", 32 * 1024, 256,
      1 << 20, "Largest Signal payload (and CallInvite data) relayed; an SDP is a few KiB. Bounds what one sender "
          + "makes the server buffer towards a peer.");
  public static final ConfigKey<Integer> ROOM_DEFAULT_CAPACITY = ConfigKey.integer("rtc.room.default-capacity", 8, 2,
      1000, "Capacity of a room created without one. A mesh of n browsers holds n-1 peer connections each.");
  public static final ConfigKey<Integer> ROOM_MAX_CAPACITY = ConfigKey.integer("rtc.room.max-capacity", 16, 2, 1000,
      "Largest capacity a client may ask for; a mesh beyond a few participants overloads the clients' uplinks.");
  public static final ConfigKey<Integer> ROOM_MAX_ROOMS = ConfigKey.integer("rtc.room.max-rooms", 10_000, 1,
      10_000_000, "Rooms (empty ones included) the server holds at once; bounds memory.");
  public static final ConfigKey<Integer> ROOM_MAX_PER_SESSION = ConfigKey.integer("rtc.room.max-per-session", 4, 1,
      1000, "Rooms one connection may be in at once.");
  /** Who may join a room created without a members list or the open flag. */
  public enum RoomAccess { PRIVATE, OPEN }

  public static final ConfigKey<RoomAccess> ROOM_DEFAULT_ACCESS = ConfigKey.choice("rtc.room.default-access",
      RoomAccess.class, RoomAccess.PRIVATE, "Access of a room whose creator set neither members nor open: private "
          + "(its owner and join-token holders only) or open (every authenticated user who knows the name, as before).");
  public static final ConfigKey<Boolean> ROOM_REQUIRE_TOKEN = ConfigKey.bool("rtc.room.require-token", false,
      "Whether every room join needs a join token minted by the app server (POST /api/v1/rtc/rooms/{room}/tokens): "
          + "then only the app decides who meets where, and nobody can take a room name first.");
  public static final ConfigKey<Duration> ROOM_TOKEN_MAX_TTL = ConfigKey.duration("rtc.room.token-max-ttl",
      Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(30),
      "Longest lifetime of a join token minted by the admin API; a join token also logs its user in, so keep it short.");
  public static final ConfigKey<Duration> ROOM_EMPTY_TTL = ConfigKey.duration("rtc.room.empty-ttl",
      Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1),
      "How long an empty room (and its capacity) is kept for someone to come back; then it is removed.");

  public static List<ConfigKey<?>> all() {
    List<ConfigKey<?>> keys = new ArrayList<>(List.of(UDP_ENABLED, UDP_HOST, UDP_PORT));
    keys.addAll(TCP.all());
    keys.addAll(List.of(TLS_ENABLED, TLS_HOST, TLS_PORT, TLS_MAX_PER_IP, REALM, SECRET, NONCE_LIFETIME,
        DEFAULT_LIFETIME, MAX_LIFETIME, PERMISSION_LIFETIME, CHANNEL_LIFETIME, USER_QUOTA, TOTAL_QUOTA, MAX_PERMISSIONS,
        BANDWIDTH, RFC5766_CHANNELS, RELAY_IP, EXTERNAL_IP, RELAY_IP6, RELAY_PORTS, ALLOWED_PEERS, DENIED_PEERS, MAX_DATAGRAM, RECV_BATCH,
        SWEEP_INTERVAL, TCP_HANDSHAKE_TIMEOUT, TCP_IDLE_TIMEOUT, PUBLIC_HOST, CREDENTIAL_TTL, ICE_URLS, ICE_EXTRA_URLS));
    keys.addAll(List.of(CALL_RING_TIMEOUT, CALL_RECONNECT_GRACE, CALL_MAX_INVITES, SIGNAL_MAX_PAYLOAD,
        ROOM_DEFAULT_CAPACITY, ROOM_MAX_CAPACITY, ROOM_MAX_ROOMS, ROOM_MAX_PER_SESSION, ROOM_DEFAULT_ACCESS,
        ROOM_REQUIRE_TOKEN, ROOM_TOKEN_MAX_TTL, ROOM_EMPTY_TTL));
    return keys;
  }
}
