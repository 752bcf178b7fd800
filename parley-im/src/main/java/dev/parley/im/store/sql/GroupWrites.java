package dev.parley.im.store.sql;

import dev.parley.im.store.ImException;
import dev.parley.im.store.Outcomes;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.Member;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Role;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Group changes, run on the writer thread. Each change writes a system message into the group's
 * conversation, so every member's devices learn of it through the normal push and sync; members
 * see the conversation from the message that added them up to the one that removed them.
 */
final class GroupWrites {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final WriterState state;
  private final MessageWrites messages;
  private final Clock clock;
  private final int maxMembers;

  GroupWrites(WriterState state, MessageWrites messages, Clock clock, int maxMembers) {
    this.state = state;
    this.messages = messages;
    this.clock = clock;
    this.maxMembers = maxMembers;
  }

  Outcomes.GroupChanged create(Connection c, String owner, String name, List<String> invited) throws SQLException {
    long now = clock.millis();
    state.setNow(now);
    Set<String> users = new LinkedHashSet<>();
    users.add(owner);
    users.addAll(invited);
    if (users.size() > maxMembers) {
      throw new ImException(ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "a group may have at most " + maxMembers + " members");
    }
    String groupId = newGroupId();
    List<ConvState.Member> members = new ArrayList<>();
    for (String u : users) {
      members.add(new ConvState.Member(u, u.equals(owner) ? Role.ROLE_OWNER : Role.ROLE_MEMBER, 0, now));
    }
    ConvState s = state.create(c, Ids.group(groupId), members);
    s.groupId = groupId;
    s.name = name;
    s.owner = owner;
    s.createdAt = now;
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO im_groups (conv, group_id, name, owner, created_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setLong(1, s.id);
      ps.setString(2, groupId);
      ps.setString(3, name);
      ps.setString(4, owner);
      ps.setLong(5, now);
      ps.executeUpdate();
    }
    StoredMessage event = event(c, s, now, owner + " created the group \"" + name + "\"", "group.created",
        Map.of("by", owner, "name", name, "members", String.join(",", users)), s.members.keySet(), owner);
    // The creator's read cursor starts at the group's first message, as nothing precedes it.
    try (PreparedStatement ps = c.prepareStatement("UPDATE im_members SET read_seq = " + state.greatest() + "(read_seq, ?)"
        + " WHERE conv = ? AND \"user\" = ?")) {
      ps.setLong(1, event.seq());
      ps.setLong(2, s.id);
      ps.setString(3, owner);
      ps.executeUpdate();
    }
    return new Outcomes.GroupChanged(info(s, true), List.of(event));
  }

  Outcomes.GroupChanged rename(Connection c, String actor, String groupId, String name) throws SQLException {
    long now = clock.millis();
    ConvState s = group(c, groupId, actor);
    requireAdmin(s, actor);
    s.name = name;
    state.touch(s);
    try (PreparedStatement ps = c.prepareStatement("UPDATE im_groups SET name = ? WHERE conv = ?")) {
      ps.setString(1, name);
      ps.setLong(2, s.id);
      ps.executeUpdate();
    }
    return changed(s, event(c, s, now, actor + " renamed the group to \"" + name + "\"", "group.renamed",
        Map.of("by", actor, "name", name), s.members.keySet(), actor));
  }

  Outcomes.GroupChanged add(Connection c, String actor, String groupId, List<String> users) throws SQLException {
    long now = clock.millis();
    ConvState s = group(c, groupId, actor);
    requireAdmin(s, actor);
    Set<String> fresh = new LinkedHashSet<>(users);
    fresh.removeAll(s.members.keySet());
    if (fresh.isEmpty()) {
      throw new ImException(ErrorCode.ERROR_CODE_BAD_REQUEST, "every listed user is already a member");
    }
    if (s.members.size() + fresh.size() > maxMembers) {
      throw new ImException(ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "a group may have at most " + maxMembers + " members");
    }
    // New members see the conversation from the message that adds them.
    long joinedSeq = s.seq;
    Map<String, ConvState.Member> next = new LinkedHashMap<>(s.members);
    for (String u : fresh) {
      ConvState.Member m = new ConvState.Member(u, Role.ROLE_MEMBER, joinedSeq, now);
      state.upsertMember(c, s.id, m);
      next.put(u, m);
    }
    state.setMembers(s, next);
    return changed(s, event(c, s, now, actor + " added " + String.join(", ", fresh), "group.members_added",
        Map.of("by", actor, "users", String.join(",", fresh)), s.members.keySet(), actor));
  }

  Outcomes.GroupChanged remove(Connection c, String actor, String groupId, List<String> users) throws SQLException {
    long now = clock.millis();
    ConvState s = group(c, groupId, actor);
    Role actorRole = s.roleOf(actor);
    Set<String> gone = new LinkedHashSet<>();
    for (String u : users) {
      Role r = s.roleOf(u);
      if (r == null) {
        continue;
      }
      if (r == Role.ROLE_OWNER || u.equals(actor)) {
        throw new ImException(ErrorCode.ERROR_CODE_FORBIDDEN, "the owner cannot be removed; members leave with GroupLeave");
      }
      boolean allowed = actorRole == Role.ROLE_OWNER || actorRole == Role.ROLE_ADMIN && r == Role.ROLE_MEMBER;
      if (!allowed) {
        throw new ImException(ErrorCode.ERROR_CODE_FORBIDDEN, "only the owner, or an admin for ordinary members, may remove " + u);
      }
      gone.add(u);
    }
    if (gone.isEmpty()) {
      throw new ImException(ErrorCode.ERROR_CODE_BAD_REQUEST, "none of the listed users is a member");
    }
    Set<String> audience = new LinkedHashSet<>(s.members.keySet());
    Map<String, ConvState.Member> next = new LinkedHashMap<>(s.members);
    next.keySet().removeAll(gone);
    state.setMembers(s, next);
    StoredMessage m = event(c, s, now, actor + " removed " + String.join(", ", gone), "group.members_removed",
        Map.of("by", actor, "users", String.join(",", gone)), audience, actor);
    markLeft(c, s, gone, m.seq());
    return changed(s, m);
  }

  Outcomes.GroupChanged leave(Connection c, String actor, String groupId) throws SQLException {
    long now = clock.millis();
    ConvState s = group(c, groupId, actor);
    Set<String> audience = new LinkedHashSet<>(s.members.keySet());
    Map<String, ConvState.Member> next = new LinkedHashMap<>(s.members);
    ConvState.Member leaving = next.remove(actor);
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("user", actor);
    if (leaving.role() == Role.ROLE_OWNER && !next.isEmpty()) {
      ConvState.Member heir = heir(next);
      next.put(heir.user(), new ConvState.Member(heir.user(), Role.ROLE_OWNER, heir.joinedSeq(), heir.joinedAt()));
      setRoleRow(c, s.id, heir.user(), Role.ROLE_OWNER);
      setOwner(c, s, heir.user());
      attrs.put("owner", heir.user());
    }
    state.setMembers(s, next);
    StoredMessage m = event(c, s, now, actor + " left the group", "group.member_left", attrs, audience, actor);
    markLeft(c, s, Set.of(actor), m.seq());
    return changed(s, m);
  }

  Outcomes.GroupChanged setRole(Connection c, String actor, String groupId, String user, Role role) throws SQLException {
    long now = clock.millis();
    ConvState s = group(c, groupId, actor);
    if (s.roleOf(actor) != Role.ROLE_OWNER) {
      throw new ImException(ErrorCode.ERROR_CODE_FORBIDDEN, "only the owner may change roles");
    }
    ConvState.Member target = s.members.get(user);
    if (target == null) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_FOUND, user + " is not a member");
    }
    if (user.equals(actor)) {
      throw new ImException(ErrorCode.ERROR_CODE_BAD_REQUEST, "the owner hands over ownership by giving ROLE_OWNER to another member");
    }
    if (role != Role.ROLE_MEMBER && role != Role.ROLE_ADMIN && role != Role.ROLE_OWNER) {
      throw new ImException(ErrorCode.ERROR_CODE_BAD_REQUEST, "role must be ROLE_MEMBER, ROLE_ADMIN or ROLE_OWNER");
    }
    Map<String, ConvState.Member> next = new LinkedHashMap<>(s.members);
    next.put(user, new ConvState.Member(user, role, target.joinedSeq(), target.joinedAt()));
    setRoleRow(c, s.id, user, role);
    if (role == Role.ROLE_OWNER) {
      ConvState.Member me = s.members.get(actor);
      next.put(actor, new ConvState.Member(actor, Role.ROLE_ADMIN, me.joinedSeq(), me.joinedAt()));
      setRoleRow(c, s.id, actor, Role.ROLE_ADMIN);
      setOwner(c, s, user);
    }
    state.setMembers(s, next);
    return changed(s, event(c, s, now, actor + " made " + user + " " + roleName(role), "group.role_changed",
        Map.of("by", actor, "user", user, "role", roleName(role)), s.members.keySet(), actor));
  }

  private ConvState group(Connection c, String groupId, String actor) throws SQLException {
    if (!Ids.isValidGroup(groupId)) {
      throw new ImException(ErrorCode.ERROR_CODE_BAD_REQUEST, "invalid group id");
    }
    state.setNow(clock.millis());
    ConvState s = state.find(c, Ids.group(groupId));
    if (s == null || s.groupId == null) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_FOUND, "no group " + groupId);
    }
    if (!s.isMember(actor)) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_MEMBER, "not a member of group " + groupId);
    }
    return s;
  }

  private static void requireAdmin(ConvState s, String actor) {
    Role r = s.roleOf(actor);
    if (r != Role.ROLE_OWNER && r != Role.ROLE_ADMIN) {
      throw new ImException(ErrorCode.ERROR_CODE_FORBIDDEN, "only the owner or an admin may do this");
    }
  }

  private static ConvState.Member heir(Map<String, ConvState.Member> members) {
    ConvState.Member best = null;
    for (ConvState.Member m : members.values()) {
      boolean better = best == null
          || m.role() == Role.ROLE_ADMIN && best.role() != Role.ROLE_ADMIN
          || m.role() == best.role() && m.joinedAt() < best.joinedAt();
      if (better) {
        best = m;
      }
    }
    return best;
  }

  private static void setRoleRow(Connection c, long conv, String user, Role role) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE im_members SET role = ? WHERE conv = ? AND \"user\" = ?")) {
      ps.setInt(1, role.getNumber());
      ps.setLong(2, conv);
      ps.setString(3, user);
      ps.executeUpdate();
    }
  }

  private void setOwner(Connection c, ConvState s, String owner) throws SQLException {
    s.owner = owner;
    try (PreparedStatement ps = c.prepareStatement("UPDATE im_groups SET owner = ? WHERE conv = ?")) {
      ps.setString(1, owner);
      ps.setLong(2, s.id);
      ps.executeUpdate();
    }
  }

  private static void markLeft(Connection c, ConvState s, Set<String> users, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE im_members SET left_seq = ? WHERE conv = ? AND \"user\" = ?")) {
      for (String u : users) {
        ps.setLong(1, seq);
        ps.setLong(2, s.id);
        ps.setString(3, u);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Writes the system message recording what {@code actor} did; it is not unread for the actor. */
  private StoredMessage event(Connection c, ConvState s, long now, String text, String event, Map<String, String> attrs,
      Set<String> audience, String actor) throws SQLException {
    Message draft = Message.newBuilder().setSender(MessageWrites.SERVER).setKind(MessageKind.MESSAGE_KIND_SYSTEM)
        .setText(text).setEvent(event).putAllAttributes(attrs).build();
    return messages.insert(c, s, draft, null, now, actor).withRecipients(Set.copyOf(audience));
  }

  private static Outcomes.GroupChanged changed(ConvState s, StoredMessage m) {
    return new Outcomes.GroupChanged(info(s, false), List.of(m));
  }

  static GroupInfo info(ConvState s, boolean withMembers) {
    GroupInfo.Builder b = GroupInfo.newBuilder().setGroupId(s.groupId).setConversation(s.cid).setName(s.name)
        .setOwner(s.owner).setMemberCount(s.members.size()).setCreatedAt(s.createdAt);
    if (withMembers) {
      for (ConvState.Member m : s.members.values()) {
        b.addMembers(Member.newBuilder().setUser(m.user()).setRole(m.role()).setJoinedAt(m.joinedAt()));
      }
    }
    return b.build();
  }

  private static String roleName(Role role) {
    return role.name().substring("ROLE_".length()).toLowerCase(Locale.ROOT);
  }

  private static String newGroupId() {
    char[] id = new char[12];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }
}
