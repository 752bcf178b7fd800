package dev.parley.cluster.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The three connections a node keeps to Redis, standalone or a Redis Cluster, seen through the
 * commands both kinds have: a pub/sub connection of its own for the messages that come, one for
 * the messages sent and the held entries written in their order, and one for the rest (lookups,
 * purges, the node registry). In a Redis Cluster the bus's keys share one hash slot
 * ({@code {parley}}), so its scripts run on one shard; pub/sub reaches every shard.
 */
public record RedisLinks(StatefulRedisPubSubConnection<byte[], byte[]> subscriber,
    StatefulConnection<byte[], byte[]> publisher, RedisClusterAsyncCommands<byte[], byte[]> publish,
    StatefulConnection<String, String> commands, RedisClusterCommands<String, String> sync,
    RedisClusterAsyncCommands<String, String> async) {

  /** The connections to a standalone Redis (or the master Sentinel names). */
  public static RedisLinks of(StatefulRedisPubSubConnection<byte[], byte[]> subscriber,
      StatefulRedisConnection<byte[], byte[]> publisher, StatefulRedisConnection<String, String> commands) {
    return new RedisLinks(subscriber, publisher, publisher.async(), commands, commands.sync(), commands.async());
  }

  /** The connections to a Redis Cluster. */
  public static RedisLinks of(StatefulRedisPubSubConnection<byte[], byte[]> subscriber,
      StatefulRedisClusterConnection<byte[], byte[]> publisher, StatefulRedisClusterConnection<String, String> commands) {
    return new RedisLinks(subscriber, publisher, publisher.async(), commands, commands.sync(), commands.async());
  }

  /** Closes the three connections. */
  public void close() {
    subscriber.close();
    publisher.close();
    commands.close();
  }
}
