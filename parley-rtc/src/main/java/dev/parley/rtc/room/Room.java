package dev.parley.rtc.room;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.RoomParticipant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import dev.parley.core.time.Cancellable;

/**
 * One room: its owner, who may join, its capacity and participants in joining order. Touched only
 * on the signaling executor.
 */
final class Room {
  /** A participant session. */
  record Member(ImSession session, RoomParticipant info) {}

  final String name;
  final int capacity;
  /** The user who created the room; always admitted. */
  final String owner;
  /** Every authenticated user may join. */
  final boolean open;
  /** Users invited at creation, admitted besides the owner and token holders. */
  final Set<String> invited;
  final Map<String, Member> members = new LinkedHashMap<>();
  /** Set while the room is empty: removes it when it fires. */
  Cancellable expiry = Cancellable.NONE;

  Room(String name, int capacity, String owner, boolean open, Set<String> invited) {
    this.name = name;
    this.capacity = capacity;
    this.owner = owner;
    this.open = open;
    this.invited = Set.copyOf(invited);
  }

  /** Whether {@code user} may join without a token. */
  boolean admits(String user) {
    return open || owner.equals(user) || invited.contains(user);
  }
}
