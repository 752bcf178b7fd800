package dev.parley.im.store.sql;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.im.store.ImException;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.ConversationType;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.HistoryResult;
import dev.parley.protocol.im.Member;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Role;
import dev.parley.protocol.im.SyncResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Queries of the IM store, run on the reader pool over committed data. */
final class ImReads {
  /** Most messages in one sync answer, across conversations. */
  static final int SYNC_TOTAL_LIMIT = 1000;
  static final int SYNC_CONVERSATION_LIMIT = 200;
  static final int HISTORY_LIMIT = 100;
  static final int UNREAD_CAP = 999;
  /** A user's place in conversations; the caller adds the condition. */
  private static final String MEMBERSHIP = "SELECT m.conv, v.cid, v.last_seq, m.joined_seq, m.left_seq,"
      + " m.read_seq FROM im_members m JOIN im_conversations v ON v.id = m.conv WHERE ";

  /** One conversation of a user, with the range of it the user may see. */
  record Membership(long conv, String cid, long lastSeq, long joinedSeq, Long leftSeq, long readSeq) {
    /** Last seq the user may see. */
    long visibleEnd() {
      return leftSeq == null ? lastSeq : Math.min(leftSeq, lastSeq);
    }
  }

  /** Sets a query's parameters. */
  @FunctionalInterface
  private interface Params {
    void set(PreparedStatement ps) throws SQLException;
  }

  /** Turns the current row into a value. */
  @FunctionalInterface
  private interface Row<T> {
    T of(ResultSet rs) throws SQLException;
  }

  private ImReads() {}

  /** Every row of {@code sql}, in the order the query gives them. */
  private static <T> List<T> list(Connection c, String sql, Params params, Row<T> row) throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      params.set(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.of(rs));
        }
      }
    }
    return out;
  }

  /** The first row of {@code sql}, or {@code none} when there is no row. */
  private static <T> T first(Connection c, String sql, Params params, Row<T> row, T none) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      params.set(ps);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row.of(rs) : none;
      }
    }
  }

  static List<Membership> memberships(Connection c, String user) throws SQLException {
    return list(c, MEMBERSHIP + "m.\"user\" = ?", ps -> ps.setString(1, user), ImReads::membershipOf);
  }

  static Membership membership(Connection c, String user, String cid) throws SQLException {
    return first(c, MEMBERSHIP + "v.cid = ? AND m.\"user\" = ?", ps -> {
      ps.setString(1, cid);
      ps.setString(2, user);
    }, ImReads::membershipOf, null);
  }

  private static Membership membershipOf(ResultSet rs) throws SQLException {
    long left = rs.getLong(5);
    Long leftSeq = rs.wasNull() ? null : left;
    return new Membership(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), leftSeq, rs.getLong(6));
  }

  /** Messages of {@code conv} with from &lt; seq &le; to, ascending, at most {@code limit}. */
  static List<Message> range(Connection c, long conv, String cid, long from, long to, int limit) throws SQLException {
    return messages(c, cid, "ORDER BY seq LIMIT ?", conv, from, to, limit);
  }

  /** Messages of {@code conv} with from &lt; seq &le; to, in the order and number {@code orderAndLimit} says. */
  private static List<Message> messages(Connection c, String cid, String orderAndLimit, long conv, long from, long to,
      int limit) throws SQLException {
    return list(c, "SELECT seq, ts, body FROM im_messages WHERE conv = ? AND seq > ? AND seq <= ? " + orderAndLimit,
        ps -> {
          ps.setLong(1, conv);
          ps.setLong(2, from);
          ps.setLong(3, to);
          ps.setInt(4, limit);
        }, rs -> message(cid, rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
  }

  /** A stored row as devices see it: the body holds the content, the columns the place. */
  static Message message(String cid, long seq, long ts, byte[] body) throws SQLException {
    try {
      return Message.parseFrom(body).toBuilder().setConversation(cid).setSeq(seq).setTimestamp(ts).build();
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("corrupt stored message " + cid + "#" + seq, e);
    }
  }

  static SyncResult sync(Connection c, String user, Map<String, Long> cursors, int limit, int recent)
      throws SQLException {
    int perConversation = limit <= 0 ? SYNC_CONVERSATION_LIMIT : Math.min(limit, SYNC_CONVERSATION_LIMIT);
    SyncResult.Builder out = SyncResult.newBuilder();
    int total = 0;
    for (Membership m : memberships(c, user)) {
      long end = m.visibleEnd();
      Long cursor = cursors.get(m.cid());
      long start;
      if (cursor != null) {
        start = Math.max(cursor, m.joinedSeq());
      } else if (recent > 0) {
        start = Math.max(m.joinedSeq(), end - recent);
      } else {
        start = m.joinedSeq();
      }
      if (start >= end) {
        continue;
      }
      out.addHeads(Cursor.newBuilder().setConversation(m.cid()).setSeq(end));
      int room = Math.min(perConversation, SYNC_TOTAL_LIMIT - total);
      if (room <= 0) {
        out.setMore(true);
        continue;
      }
      List<Message> page = range(c, m.conv(), m.cid(), start, end, room);
      out.addAllMessages(page);
      total += page.size();
      if (start + page.size() < end) {
        out.setMore(true);
      }
    }
    return out.build();
  }

  static HistoryResult history(Connection c, String user, String cid, long beforeSeq, int limit) throws SQLException {
    Membership m = membership(c, user, cid);
    if (m == null) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_MEMBER, "not a member of " + cid);
    }
    int n = limit <= 0 ? 50 : Math.min(limit, HISTORY_LIMIT);
    long top = beforeSeq > 0 ? Math.min(beforeSeq - 1, m.visibleEnd()) : m.visibleEnd();
    List<Message> page = messages(c, cid, "ORDER BY seq DESC LIMIT ?", m.conv(), m.joinedSeq(), top, n + 1);
    boolean more = page.size() > n;
    if (more) {
      page.remove(page.size() - 1);
    }
    page.sort(Comparator.comparingLong(Message::getSeq));
    return HistoryResult.newBuilder().setConversation(cid).addAllMessages(page).setMore(more).build();
  }

  static List<Conversation> conversations(Connection c, String user) throws SQLException {
    List<Conversation> out = new ArrayList<>();
    for (Membership m : memberships(c, user)) {
      long end = m.visibleEnd();
      Ids.Type type = Ids.typeOf(m.cid());
      Conversation.Builder b = Conversation.newBuilder().setConversation(m.cid()).setLastSeq(end)
          .setReadSeq(Math.min(m.readSeq(), end));
      if (end > m.joinedSeq()) {
        List<Message> last = range(c, m.conv(), m.cid(), end - 1, end, 1);
        if (!last.isEmpty()) {
          b.setLastMessage(last.get(0));
        }
      }
      b.setUnread(unread(c, m.conv(), Math.max(m.readSeq(), m.joinedSeq()), end, user));
      switch (type) {
        case DIRECT: {
          String peer = Ids.peerOf(m.cid(), user);
          b.setType(ConversationType.CONVERSATION_TYPE_DIRECT).setTitle(peer);
          Membership pm = membership(c, peer, m.cid());
          if (pm != null) {
            b.setPeerReadSeq(pm.readSeq());
          }
          break;
        }
        case GROUP:
          b.setType(ConversationType.CONVERSATION_TYPE_GROUP).setTitle(groupName(c, m.conv()));
          break;
        default:
          b.setType(ConversationType.CONVERSATION_TYPE_SYSTEM).setTitle("System");
      }
      out.add(b.build());
    }
    out.sort(Comparator.comparingLong((Conversation v) -> v.getLastMessage().getTimestamp()).reversed());
    return out;
  }

  /** Messages after the cursor that the user neither sent nor caused (a system message's actor). */
  private static int unread(Connection c, long conv, long from, long to, String user) throws SQLException {
    if (to <= from) {
      return 0;
    }
    return first(c, "SELECT COUNT(*) FROM (SELECT 1 FROM im_messages"
        + " WHERE conv = ? AND seq > ? AND seq <= ? AND sender <> ? AND (actor IS NULL OR actor <> ?)"
        + " LIMIT " + UNREAD_CAP + ") x", ps -> {
          ps.setLong(1, conv);
          ps.setLong(2, from);
          ps.setLong(3, to);
          ps.setString(4, user);
          ps.setString(5, user);
        }, rs -> rs.getInt(1), 0);
  }

  private static String groupName(Connection c, long conv) throws SQLException {
    return first(c, "SELECT name FROM im_groups WHERE conv = ?", ps -> ps.setLong(1, conv), rs -> rs.getString(1), "");
  }

  /** A group with its members, for a member asking; null when it does not exist. */
  static GroupInfo group(Connection c, String user, String groupId) throws SQLException {
    record Found(long conv, GroupInfo.Builder info) {}
    Found found = first(c, "SELECT conv, name, owner, created_at FROM im_groups WHERE group_id = ?",
        ps -> ps.setString(1, groupId), rs -> new Found(rs.getLong(1), GroupInfo.newBuilder().setGroupId(groupId)
            .setConversation(Ids.group(groupId)).setName(rs.getString(2)).setOwner(rs.getString(3))
            .setCreatedAt(rs.getLong(4))), null);
    if (found == null) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_FOUND, "no group " + groupId);
    }
    GroupInfo.Builder b = found.info();
    List<Member> members = members(c, found.conv());
    if (members.stream().noneMatch(m -> m.getUser().equals(user))) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_MEMBER, "not a member of group " + groupId);
    }
    return b.addAllMembers(members).setMemberCount(members.size()).build();
  }

  static List<Member> members(Connection c, long conv) throws SQLException {
    return list(c, "SELECT \"user\", role, joined_at FROM im_members"
        + " WHERE conv = ? AND left_seq IS NULL ORDER BY role DESC, joined_at, \"user\"", ps -> ps.setLong(1, conv),
        rs -> Member.newBuilder().setUser(rs.getString(1)).setRole(Role.forNumber(rs.getInt(2)))
            .setJoinedAt(rs.getLong(3)).build());
  }

  /** Current members of a group conversation, by its conversation id. */
  static Set<String> groupMembers(Connection c, String cid) throws SQLException {
    return new LinkedHashSet<>(list(c, "SELECT m.\"user\" FROM im_members m JOIN im_conversations v"
        + " ON v.id = m.conv WHERE v.cid = ? AND m.left_seq IS NULL", ps -> ps.setString(1, cid), rs -> rs.getString(1)));
  }

  /** The last seq of a conversation, 0 when it does not exist or is empty. */
  static long lastSeq(Connection c, String cid) throws SQLException {
    return first(c, "SELECT MAX(m.seq) FROM im_messages m JOIN im_conversations v ON v.id = m.conv WHERE v.cid = ?",
        ps -> ps.setString(1, cid), rs -> rs.getLong(1), 0L);
  }

  /** The caller's groups, without member lists. */
  static List<GroupInfo> groupsOf(Connection c, String user) throws SQLException {
    return list(c, "SELECT g.group_id, g.name, g.owner, g.created_at,"
        + " (SELECT COUNT(*) FROM im_members x WHERE x.conv = g.conv AND x.left_seq IS NULL)"
        + " FROM im_members m JOIN im_groups g ON g.conv = m.conv WHERE m.\"user\" = ? AND m.left_seq IS NULL"
        + " ORDER BY g.created_at", ps -> ps.setString(1, user),
        rs -> GroupInfo.newBuilder().setGroupId(rs.getString(1)).setConversation(Ids.group(rs.getString(1)))
            .setName(rs.getString(2)).setOwner(rs.getString(3)).setCreatedAt(rs.getLong(4))
            .setMemberCount(rs.getInt(5)).build());
  }

  static Map<String, Long> lastSeen(Connection c, Set<String> users) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT last_seen FROM im_users WHERE \"user\" = ?")) {
      for (String u : users) {
        ps.setString(1, u);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            out.put(u, rs.getLong(1));
          }
        }
      }
    }
    return out;
  }
}
