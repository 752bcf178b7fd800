package dev.parley.cluster.redis;

/**
 * The Lua scripts of {@link RedisBus}: each changes an entry and its index line together, so a node
 * dying in between leaves neither half. Entries are fields {@code <node>/<field>} of {@code
 * {parley}:held:<key>}; a node's index {@code {parley}:holds:<node>} lists them as {@code key NUL
 * field}. A pending entry (a dead node's entry a live node took on and has not settled yet) has
 * {@link #PENDING} before its field.
 */
final class BusScripts {
  /** Marks a pending entry's field; a field handed to the systems never starts with it. */
  static final char PENDING = '\u0000';
  /** KEYS: the held hash, the node's index; ARGV: the hash field, its value, the index member. */
  static final String HOLD = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) "
      + "redis.call('SADD', KEYS[2], ARGV[3]) return 1";
  /**
   * KEYS: the held hash, the node's index; ARGV: the hash field, its value, the index member, the
   * field without its node. Another node's entry for the same field wins (nothing is written);
   * else this node's is written (or kept). Answers the holder's hash field and value.
   */
  static final String CLAIM = "local all = redis.call('HGETALL', KEYS[1]) "
      + "for i = 1, #all, 2 do local f = all[i] local s = string.find(f, '/', 1, true) "
      + "if s and f ~= ARGV[1] and string.sub(f, s + 1) == ARGV[4] then return {f, all[i + 1]} end end "
      + "local mine = redis.call('HGET', KEYS[1], ARGV[1]) if mine then return {ARGV[1], mine} end "
      + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) redis.call('SADD', KEYS[2], ARGV[3]) "
      + "return {ARGV[1], ARGV[2]}";
  /** KEYS: the held hash, the node's index; ARGV: the hash field, the index member. */
  static final String RELEASE = "redis.call('HDEL', KEYS[1], ARGV[1]) "
      + "redis.call('SREM', KEYS[2], ARGV[2]) return 1";
  /**
   * KEYS: the held hash, this node's index, the other node's; ARGV: this node's hash field, the
   * other's pending one, this node's index member, the other's. This node's entry, if any, becomes
   * the other node's pending entry.
   */
  static final String PASS = "local v = redis.call('HGET', KEYS[1], ARGV[1]) "
      + "redis.call('HDEL', KEYS[1], ARGV[1]) redis.call('SREM', KEYS[2], ARGV[3]) "
      + "if v then redis.call('HSET', KEYS[1], ARGV[2], v) redis.call('SADD', KEYS[3], ARGV[4]) end return 1";
  /**
   * KEYS: the dead node's index, the purging node's index; ARGV: the held hashes' prefix, the dead
   * node's field prefix, the purging node's field prefix, then the key prefixes whose entries the
   * purging node takes on. Removes every entry of the dead node (its pending ones too) and answers
   * each as {@code key NUL field} (the field without its pending mark) and its value, flat; an entry
   * under one of the prefixes becomes a pending entry of the purging node in the same step, so that
   * if that node dies before it settled the entry, the node purging it gets the entry again.
   */
  static final String PURGE = "local m = redis.call('SMEMBERS', KEYS[1]) redis.call('DEL', KEYS[1]) "
      + "local out = {} "
      + "for _, e in ipairs(m) do local s = string.find(e, '\\0', 1, true) "
      + "if s and s > 1 then local k = string.sub(e, 1, s - 1) local f = string.sub(e, s + 1) "
      + "local h = ARGV[1] .. k local v = redis.call('HGET', h, ARGV[2] .. f) redis.call('HDEL', h, ARGV[2] .. f) "
      + "if string.sub(f, 1, 1) == '\\0' then f = string.sub(f, 2) end "
      + "if v then out[#out + 1] = k .. '\\0' .. f out[#out + 1] = v "
      + "for i = 4, #ARGV do if string.sub(k, 1, #ARGV[i]) == ARGV[i] then "
      + "redis.call('HSET', h, ARGV[3] .. '\\0' .. f, v) redis.call('SADD', KEYS[2], k .. '\\0\\0' .. f) break end end "
      + "end end end return out";

  private BusScripts() {}
}
