package dev.parley.rtc.room;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.RoomParticipant;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.parley.core.time.Cancellable;

/** One room: its capacity and participants in joining order. Touched only on the signaling executor. */
final class Room {
  /** A participant session. */
  record Member(ImSession session, RoomParticipant info) {}

  final String name;
  final int capacity;
  final Map<String, Member> members = new LinkedHashMap<>();
  /** Set while the room is empty: removes it when it fires. */
  Cancellable expiry = Cancellable.NONE;

  Room(String name, int capacity) {
    this.name = name;
    this.capacity = capacity;
  }
}
