package dev.parley.rtc.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * The client's side of a 5-tuple: a UDP address on the shared listener socket, or one TCP/TLS
 * connection. Everything is called on {@link #loop()}.
 */
public interface ClientLink {
  InetSocketAddress remote();

  /** "udp", "tcp" or "tls", for logs. */
  String transport();

  EventLoop loop();

  /** Sends a STUN response or indication at once. */
  void sendControl(byte[] message);

  /**
   * Relays {@code payload} (the link takes its own reference) as ChannelData on {@code channel},
   * flushed at the end of the current read batch. False when dropped because the link is backed up.
   */
  boolean sendChannelData(int channel, ByteBuf payload);

  /** Relays an encoded Data indication, flushed at the end of the current read batch; false when dropped. */
  boolean sendIndication(byte[] message);

  /** The allocation on this 5-tuple, or null. */
  Allocation allocation();

  /** Ties {@code allocation} to this 5-tuple (null to untie it). */
  void allocation(Allocation allocation);
}
