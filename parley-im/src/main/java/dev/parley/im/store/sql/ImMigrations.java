package dev.parley.im.store.sql;

import dev.parley.core.store.jdbc.Migration;
import java.util.List;

/**
 * The IM schema. A message is stored once per conversation (never per member); members hold one
 * row per conversation with their join/leave positions and their read and delivered cursors.
 */
public final class ImMigrations {
  private ImMigrations() {}

  public static List<Migration> all() {
    return List.of(new Migration(1, "conversations, messages, members, groups, users", List.of(
        "CREATE TABLE im_conversations ("
            + " id INTEGER PRIMARY KEY,"
            + " cid TEXT NOT NULL UNIQUE,"
            + " type INTEGER NOT NULL,"
            + " last_seq INTEGER NOT NULL DEFAULT 0,"
            + " updated_at INTEGER NOT NULL)",
        // Clustered by conversation then seq: sync and history are range scans.
        "CREATE TABLE im_messages ("
            + " conv INTEGER NOT NULL,"
            + " seq INTEGER NOT NULL,"
            + " sender TEXT NOT NULL,"
            + " client_id TEXT,"
            + " ts INTEGER NOT NULL,"
            + " kind INTEGER NOT NULL,"
            + " body BLOB NOT NULL,"
            + " recalled INTEGER NOT NULL DEFAULT 0,"
            + " PRIMARY KEY (conv, seq)) WITHOUT ROWID",
        // Idempotency of sends: one stored message per (sender, client id), forever.
        "CREATE UNIQUE INDEX im_messages_client ON im_messages (sender, client_id) WHERE client_id IS NOT NULL",
        // Visible range of a member: (joined_seq, left_seq]; left_seq NULL while a member.
        "CREATE TABLE im_members ("
            + " conv INTEGER NOT NULL,"
            + " user TEXT NOT NULL,"
            + " role INTEGER NOT NULL DEFAULT 1,"
            + " joined_seq INTEGER NOT NULL DEFAULT 0,"
            + " left_seq INTEGER,"
            + " read_seq INTEGER NOT NULL DEFAULT 0,"
            + " delivered_seq INTEGER NOT NULL DEFAULT 0,"
            + " joined_at INTEGER NOT NULL,"
            + " PRIMARY KEY (conv, user)) WITHOUT ROWID",
        "CREATE INDEX im_members_user ON im_members (user, conv)",
        "CREATE TABLE im_groups ("
            + " conv INTEGER PRIMARY KEY,"
            + " group_id TEXT NOT NULL UNIQUE,"
            + " name TEXT NOT NULL,"
            + " owner TEXT NOT NULL,"
            + " created_at INTEGER NOT NULL)",
        "CREATE TABLE im_users ("
            + " user TEXT PRIMARY KEY,"
            + " last_seen INTEGER NOT NULL) WITHOUT ROWID")),
        // A system message's sender is the server; actor is the user whose change it records
        // (NULL otherwise), so it is not unread for them.
        new Migration(2, "who caused each system message", List.of(
            "ALTER TABLE im_messages ADD COLUMN actor TEXT")));
  }
}
