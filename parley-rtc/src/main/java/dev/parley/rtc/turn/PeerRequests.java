package dev.parley.rtc.turn;

import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.stun.AddressCodec;
import dev.parley.rtc.stun.ChannelData;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunAttribute;
import dev.parley.rtc.stun.StunException;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests that open an allocation to peers: CreatePermission and ChannelBind, each peer
 * address checked against the relay policy and the allocation's family. Called by
 * {@link TurnRequests} once the request authenticated; on the client link's event loop.
 */
final class PeerRequests {
  private final TurnServer server;
  private final TurnConfig config;
  private final TurnAnswers answers;

  PeerRequests(TurnServer server, TurnAnswers answers) {
    this.server = server;
    this.config = server.config();
    this.answers = answers;
  }

  /** CreatePermission (section 9): every XOR-PEER-ADDRESS gets a permission, or none does. */
  void createPermission(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation a)
      throws StunException {
    List<InetAddress> ips = new ArrayList<>();
    for (StunAttribute attr : m.attributes()) {
      if (attr.type() != StunAttr.XOR_PEER_ADDRESS) {
        continue;
      }
      TransportAddress peer = AddressCodec.decode(attr.value(), m.transactionId(), true);
      if (!checkPeer(link, m, auth, a, new TransportAddress(peer.ip(), Math.max(peer.port(), 1)))) {
        return;
      }
      ips.add(peer.toSocketAddress().getAddress());
    }
    if (ips.isEmpty()) {
      answers.error(link, m, auth, 400, "Bad Request: XOR-PEER-ADDRESS is required");
      return;
    }
    if (!a.canInstallPermissions(ips)) {
      answers.error(link, m, auth, 508, "Insufficient Capacity: too many permissions on this allocation");
      return;
    }
    long now = server.clock().millis();
    for (InetAddress ip : ips) {
      a.installPermission(ip, now);
    }
    link.sendControl(TurnAnswers.sign(StunMessageBuilder.responseTo(m, StunMethod.SUCCESS), m, auth));
  }

  /** ChannelBind (section 11): binds a channel number to a peer and installs its permission. */
  void channelBind(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation a)
      throws StunException {
    StunAttribute number = m.get(StunAttr.CHANNEL_NUMBER);
    TransportAddress peer = m.address(StunAttr.XOR_PEER_ADDRESS);
    if (number == null || number.value().length != 4) {
      answers.error(link, m, auth, 400, "Bad Request: CHANNEL-NUMBER is required");
      return;
    }
    int channel = ((number.value()[0] & 0xFF) << 8) | (number.value()[1] & 0xFF);
    if (channel < ChannelData.MIN_BINDABLE || channel > config.maxChannel()) {
      answers.error(link, m, auth, 400, "Bad Request: channel numbers are 0x4000-0x" + Integer.toHexString(config.maxChannel()));
      return;
    }
    if (peer == null) {
      answers.error(link, m, auth, 400, "Bad Request: XOR-PEER-ADDRESS is required");
      return;
    }
    if (!checkPeer(link, m, auth, a, peer)) {
      return;
    }
    InetSocketAddress to = peer.toSocketAddress();
    long now = server.clock().millis();
    String conflict = a.channelConflict(channel, to, now);
    if (conflict != null) {
      answers.error(link, m, auth, 400, "Bad Request: " + conflict);
      return;
    }
    if (!a.canInstallPermissions(List.of(to.getAddress()))) {
      answers.error(link, m, auth, 508, "Insufficient Capacity: too many permissions on this allocation");
      return;
    }
    a.bindChannel(channel, to, now);
    a.installPermission(to.getAddress(), now);
    link.sendControl(TurnAnswers.sign(StunMessageBuilder.responseTo(m, StunMethod.SUCCESS), m, auth));
  }

  /** The policy and family checks on a peer address; answers the error itself and returns false when refused. */
  private boolean checkPeer(ClientLink link, StunMessage m, Authenticator.Result auth, Allocation a,
      TransportAddress peer) {
    String denied = config.policy().deniedReason(peer);
    if (denied != null) {
      server.metrics().deniedPeer();
      answers.error(link, m, auth, 403, "Forbidden: " + denied);
      return false;
    }
    if (a.relayed != null && peer.family() != a.relayed.family()) {
      answers.error(link, m, auth, 443, "Peer Address Family Mismatch");
      return false;
    }
    return true;
  }
}
