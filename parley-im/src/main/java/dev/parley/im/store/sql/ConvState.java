package dev.parley.im.store.sql;

import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Role;
import java.util.Map;

/**
 * What the writer thread knows of one conversation: its key, its last sequence number and, for
 * groups, its current members. Only the writer thread reads or changes it; {@link #seq} runs ahead
 * of {@link #committedSeq} while a batch is open.
 */
final class ConvState {
  /** One active member. */
  record Member(String user, Role role, long joinedSeq, long joinedAt) {}

  final long id;
  final String cid;
  final Ids.Type type;
  long seq;
  long committedSeq;
  String groupId;
  String name;
  String owner;
  long createdAt;
  /** Active members, immutable; replaced on every change so a captured reference stays a snapshot. */
  Map<String, Member> members;
  boolean membersChanged;

  ConvState(long id, String cid, Ids.Type type, long lastSeq, Map<String, Member> members) {
    this.id = id;
    this.cid = cid;
    this.type = type;
    this.seq = lastSeq;
    this.committedSeq = lastSeq;
    this.members = members;
  }

  boolean isMember(String user) {
    return members.containsKey(user);
  }

  Role roleOf(String user) {
    Member m = members.get(user);
    return m == null ? null : m.role();
  }
}
