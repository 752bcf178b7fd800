package dev.parley.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} (Debian's redis-server package) on an ephemeral loopback port, no
 * persistence; optionally a replica of another ({@link #replicaOf}).
 */
public final class RedisServer extends ExternalServer {
  private final List<String> extra;

  public RedisServer() {
    this(List.of());
  }

  private RedisServer(List<String> extra) {
    super("redis");
    this.extra = extra;
  }

  /** A replica of {@code master} (not started), for Sentinel tests. */
  public static RedisServer replicaOf(RedisServer master) {
    return new RedisServer(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
  }

  /**
   * A node of a Redis Cluster (not started), with its cluster bus on a port of its own and its
   * cluster state in its directory; {@link RedisCluster} joins such nodes.
   */
  static RedisServer clusterNode() {
    return new RedisServer(List.of("--cluster-enabled", "yes", "--cluster-port", Integer.toString(freePort()),
        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000"));
  }

  /** Starts one; close it after. */
  public static RedisServer started() {
    RedisServer r = new RedisServer();
    r.start();
    return r;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  protected List<String> command() {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
        "--protected-mode", "no"));
    cmd.addAll(extra);
    return cmd;
  }

  @Override
  protected boolean ready() {
    return answersPing(port);
  }

  /** Whether a Redis (or a Sentinel) on {@code port} answers PING. */
  static boolean answersPing(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }
}
