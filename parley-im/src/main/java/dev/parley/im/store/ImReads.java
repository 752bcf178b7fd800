package dev.parley.im.store;

import com.google.protobuf.InvalidProtocolBufferException;
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

  /** One conversation of a user, with the range of it the user may see. */
  record Membership(long conv, String cid, long lastSeq, long joinedSeq, Long leftSeq, long readSeq) {
    /** Last seq the user may see. */
    long visibleEnd() {
      return leftSeq == null ? lastSeq : Math.min(leftSeq, lastSeq);
    }
  }

  private ImReads() {}

  static List<Membership> memberships(Connection c, String user) throws SQLException {
    List<Membership> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT m.conv, v.cid, v.last_seq, m.joined_seq, m.left_seq,"
        + " m.read_seq FROM im_members m JOIN im_conversations v ON v.id = m.conv WHERE m.user = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(membershipOf(rs));
        }
      }
    }
    return out;
  }

  static Membership membership(Connection c, String user, String cid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT m.conv, v.cid, v.last_seq, m.joined_seq, m.left_seq,"
        + " m.read_seq FROM im_members m JOIN im_conversations v ON v.id = m.conv WHERE v.cid = ? AND m.user = ?")) {
      ps.setString(1, cid);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? membershipOf(rs) : null;
      }
    }
  }

  private static Membership membershipOf(ResultSet rs) throws SQLException {
    long left = rs.getLong(5);
    Long leftSeq = rs.wasNull() ? null : left;
    return new Membership(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), leftSeq, rs.getLong(6));
  }

  /** Messages of {@code conv} with from &lt; seq &le; to, ascending, at most {@code limit}. */
  static List<Message> range(Connection c, long conv, long from, long to, int limit) throws SQLException {
    List<Message> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT body FROM im_messages WHERE conv = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
      ps.setLong(1, conv);
      ps.setLong(2, from);
      ps.setLong(3, to);
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(parse(rs.getBytes(1)));
        }
      }
    }
    return out;
  }

  static Message parse(byte[] body) throws SQLException {
    try {
      return Message.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("corrupt stored message", e);
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
      List<Message> page = range(c, m.conv(), start, end, room);
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
    List<Message> page = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT body FROM im_messages WHERE conv = ? AND seq > ? AND seq <= ? ORDER BY seq DESC LIMIT ?")) {
      ps.setLong(1, m.conv());
      ps.setLong(2, m.joinedSeq());
      ps.setLong(3, top);
      ps.setInt(4, n + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          page.add(parse(rs.getBytes(1)));
        }
      }
    }
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
        List<Message> last = range(c, m.conv(), end - 1, end, 1);
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

  private static int unread(Connection c, long conv, long from, long to, String user) throws SQLException {
    if (to <= from) {
      return 0;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM im_messages"
        + " WHERE conv = ? AND seq > ? AND seq <= ? AND sender <> ? LIMIT " + UNREAD_CAP + ")")) {
      ps.setLong(1, conv);
      ps.setLong(2, from);
      ps.setLong(3, to);
      ps.setString(4, user);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private static String groupName(Connection c, long conv) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM im_groups WHERE conv = ?")) {
      ps.setLong(1, conv);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "";
      }
    }
  }

  /** A group with its members, for a member asking; null when it does not exist. */
  static GroupInfo group(Connection c, String user, String groupId) throws SQLException {
    GroupInfo.Builder b;
    long conv;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT conv, name, owner, created_at FROM im_groups WHERE group_id = ?")) {
      ps.setString(1, groupId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new ImException(ErrorCode.ERROR_CODE_NOT_FOUND, "no group " + groupId);
        }
        conv = rs.getLong(1);
        b = GroupInfo.newBuilder().setGroupId(groupId).setConversation(Ids.group(groupId)).setName(rs.getString(2))
            .setOwner(rs.getString(3)).setCreatedAt(rs.getLong(4));
      }
    }
    List<Member> members = members(c, conv);
    if (members.stream().noneMatch(m -> m.getUser().equals(user))) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_MEMBER, "not a member of group " + groupId);
    }
    return b.addAllMembers(members).setMemberCount(members.size()).build();
  }

  static List<Member> members(Connection c, long conv) throws SQLException {
    List<Member> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT user, role, joined_at FROM im_members"
        + " WHERE conv = ? AND left_seq IS NULL ORDER BY role DESC, joined_at, user")) {
      ps.setLong(1, conv);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(Member.newBuilder().setUser(rs.getString(1)).setRole(Role.forNumber(rs.getInt(2)))
              .setJoinedAt(rs.getLong(3)).build());
        }
      }
    }
    return out;
  }

  /** Current members of a group conversation, by its conversation id. */
  static Set<String> groupMembers(Connection c, String cid) throws SQLException {
    Set<String> out = new LinkedHashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT m.user FROM im_members m JOIN im_conversations v"
        + " ON v.id = m.conv WHERE v.cid = ? AND m.left_seq IS NULL")) {
      ps.setString(1, cid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** The caller's groups, without member lists. */
  static List<GroupInfo> groupsOf(Connection c, String user) throws SQLException {
    List<GroupInfo> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT g.group_id, g.name, g.owner, g.created_at,"
        + " (SELECT COUNT(*) FROM im_members x WHERE x.conv = g.conv AND x.left_seq IS NULL)"
        + " FROM im_members m JOIN im_groups g ON g.conv = m.conv WHERE m.user = ? AND m.left_seq IS NULL"
        + " ORDER BY g.created_at")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(GroupInfo.newBuilder().setGroupId(rs.getString(1)).setConversation(Ids.group(rs.getString(1)))
              .setName(rs.getString(2)).setOwner(rs.getString(3)).setCreatedAt(rs.getLong(4))
              .setMemberCount(rs.getInt(5)).build());
        }
      }
    }
    return out;
  }

  static Map<String, Long> lastSeen(Connection c, Set<String> users) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT last_seen FROM im_users WHERE user = ?")) {
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
