package dev.parley.rtc.turn;

import dev.parley.rtc.stun.ChannelData;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.turn.RtcMetrics.Direction;
import dev.parley.rtc.turn.RtcMetrics.Drop;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.collection.IntObjectHashMap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One TURN allocation (RFC 8656 section 2.2): the client's 5-tuple, the relay socket, the
 * permissions and channel bindings, and the lifetime. Confined to its client link's event loop,
 * which also serves its relay socket, so the data path takes no lock.
 */
public final class Allocation {
  /** After a channel binding expires, neither its number nor its peer may be rebound elsewhere for this long. */
  static final long CHANNEL_COOLDOWN_MILLIS = 5 * 60_000;

  /** A channel binding. */
  static final class Binding {
    final int number;
    final InetSocketAddress peer;
    long expiresAt;

    Binding(int number, InetSocketAddress peer, long expiresAt) {
      this.number = number;
      this.peer = peer;
      this.expiresAt = expiresAt;
    }
  }

  final TurnServer server;
  final ClientLink link;
  final String username;
  final String userId;
  final byte[] allocateTransactionId;
  private final FlushQueue flushQueue;
  private final Map<InetAddress, Long> permissions = new HashMap<>();
  private final IntObjectHashMap<Binding> channels = new IntObjectHashMap<>();
  private final Map<InetSocketAddress, Binding> channelsByPeer = new HashMap<>();
  private final TokenBucket toPeerBucket;
  private final TokenBucket toClientBucket;
  Channel relay;
  TransportAddress relayed;
  byte[] allocateResponse;
  long expiresAt;
  boolean closed;

  Allocation(TurnServer server, ClientLink link, String username, String userId, byte[] allocateTransactionId,
      FlushQueue flushQueue, long now) {
    this.server = server;
    this.link = link;
    this.username = username;
    this.userId = userId;
    this.allocateTransactionId = allocateTransactionId;
    this.flushQueue = flushQueue;
    long bw = server.config().bandwidth();
    this.toPeerBucket = bw > 0 ? new TokenBucket(bw, now) : null;
    this.toClientBucket = bw > 0 ? new TokenBucket(bw, now) : null;
  }

  /** Whether the relay socket is bound and the success response was sent. */
  boolean ready() {
    return allocateResponse != null;
  }

  public TransportAddress relayed() {
    return relayed;
  }

  public ClientLink link() {
    return link;
  }

  public String userId() {
    return userId;
  }

  // ---------------------------------------------------------------------------------------------
  // Permissions and channels (control path)

  boolean hasPermission(InetAddress ip, long now) {
    Long until = permissions.get(ip);
    return until != null && now < until;
  }

  /** Installs or refreshes the permission for {@code ip} (check the cap first). */
  void installPermission(InetAddress ip, long now) {
    permissions.put(ip, now + server.config().permissionLifetimeMillis());
  }

  /** Whether permissions for all of {@code ips} fit within the cap. */
  boolean canInstallPermissions(Iterable<InetAddress> ips) {
    int fresh = 0;
    for (InetAddress ip : ips) {
      if (!permissions.containsKey(ip)) {
        fresh++;
      }
    }
    return permissions.size() + fresh <= server.config().maxPermissions();
  }

  /**
   * Null when {@code number} may be bound to {@code peer} now (RFC 8656 section 11.2); otherwise why
   * not. A binding that expired less than five minutes ago still reserves its number and its peer.
   */
  String channelConflict(int number, InetSocketAddress peer, long now) {
    Binding byNumber = channels.get(number);
    if (byNumber != null && !byNumber.peer.equals(peer)) {
      return "channel 0x" + Integer.toHexString(number) + " is bound to another peer";
    }
    Binding byPeer = channelsByPeer.get(peer);
    if (byPeer != null && byPeer.number != number) {
      return "the peer is bound to channel 0x" + Integer.toHexString(byPeer.number);
    }
    return null;
  }

  void bindChannel(int number, InetSocketAddress peer, long now) {
    Binding b = channels.get(number);
    if (b == null) {
      b = new Binding(number, peer, 0);
      channels.put(number, b);
      channelsByPeer.put(peer, b);
    }
    b.expiresAt = now + server.config().channelLifetimeMillis();
  }

  /** Drops expired permissions and channel bindings past their cooldown; true if the allocation itself expired. */
  boolean sweep(long now) {
    if (now >= expiresAt) {
      return true;
    }
    permissions.values().removeIf(until -> now >= until);
    for (Iterator<Binding> it = channels.values().iterator(); it.hasNext();) {
      Binding b = it.next();
      if (now >= b.expiresAt + CHANNEL_COOLDOWN_MILLIS) {
        it.remove();
        channelsByPeer.remove(b.peer);
      }
    }
    return false;
  }

  int permissionCount() {
    return permissions.size();
  }

  // ---------------------------------------------------------------------------------------------
  // Data path

  /** ChannelData from the client: {@code frame} starts at the channel number; not released here. */
  public void fromClientChannelData(ByteBuf frame) {
    int start = frame.readerIndex();
    int number = frame.getUnsignedShort(start);
    int length = frame.getUnsignedShort(start + 2);
    RtcMetrics metrics = server.metrics();
    if (length > frame.readableBytes() - ChannelData.HEADER) {
      metrics.dropped(Drop.MALFORMED);
      return;
    }
    long now = server.clock().millis();
    Binding b = channels.get(number);
    if (b == null || now >= b.expiresAt) {
      metrics.dropped(Drop.NO_CHANNEL);
      return;
    }
    if (!hasPermission(b.peer.getAddress(), now)) {
      metrics.dropped(Drop.NO_PERMISSION);
      return;
    }
    toPeer(frame.retainedSlice(start + ChannelData.HEADER, length), b.peer, now);
  }

  /** Payload of a Send indication for {@code peer}, already checked against the policy. */
  void fromClientSend(byte[] data, InetSocketAddress peer) {
    long now = server.clock().millis();
    if (!hasPermission(peer.getAddress(), now)) {
      server.metrics().dropped(Drop.NO_PERMISSION);
      return;
    }
    toPeer(relay.alloc().buffer(data.length).writeBytes(data), peer, now);
  }

  private void toPeer(ByteBuf payload, InetSocketAddress peer, long now) {
    int length = payload.readableBytes();
    if (toPeerBucket != null && !toPeerBucket.take(length, now)) {
      payload.release();
      server.metrics().dropped(Drop.BANDWIDTH);
      return;
    }
    Channel r = relay;
    if (r == null || !r.isWritable()) {
      payload.release();
      server.metrics().dropped(Drop.BACKPRESSURE);
      return;
    }
    r.write(new DatagramPacket(payload, peer), r.voidPromise());
    flushQueue.add(r);
    server.metrics().relayed(Direction.TO_PEER, length);
  }

  /** A datagram from a peer on the relay socket; not released here. */
  void fromPeer(DatagramPacket packet) {
    InetSocketAddress peer = packet.sender();
    ByteBuf data = packet.content();
    long now = server.clock().millis();
    RtcMetrics metrics = server.metrics();
    if (!hasPermission(peer.getAddress(), now)) {
      metrics.dropped(Drop.NO_PERMISSION);
      return;
    }
    int length = data.readableBytes();
    if (toClientBucket != null && !toClientBucket.take(length, now)) {
      metrics.dropped(Drop.BANDWIDTH);
      return;
    }
    Binding b = channelsByPeer.get(peer);
    boolean sent;
    if (b != null && now < b.expiresAt) {
      sent = link.sendChannelData(b.number, data);
    } else {
      byte[] payload = new byte[length];
      data.getBytes(data.readerIndex(), payload);
      byte[] tid = new byte[12];
      ThreadLocalRandom.current().nextBytes(tid);
      sent = link.sendIndication(StunMessageBuilder.of(StunMethod.DATA, StunMethod.INDICATION, tid)
          .address(StunAttr.XOR_PEER_ADDRESS, TransportAddress.of(peer))
          .add(StunAttr.DATA, payload)
          .build());
    }
    if (sent) {
      metrics.relayed(Direction.TO_CLIENT, length);
    } else {
      metrics.dropped(Drop.BACKPRESSURE);
    }
  }
}
