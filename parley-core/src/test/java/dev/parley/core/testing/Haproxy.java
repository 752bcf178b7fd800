package dev.parley.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy (Debian's haproxy) in front of Parley nodes, running the configuration
 * docs/cluster/haproxy.cfg gives users, with its addresses and ports replaced by the test's:
 * {@link #port} is the IM TCP frontend, {@link #mqtt} and {@link #http} the others. Used by the
 * cluster chaos test and the failover benchmark.
 */
public final class Haproxy extends ExternalServer {
  /** The documented configuration, from the repository root. */
  public static final Path DOCUMENTED = Path.of("docs/cluster/haproxy.cfg");
  private static final Pattern NODE = Pattern.compile("10\\.0\\.0\\.1(\\d):(\\d+)");

  /** One node's loopback ports, as the documented file's app1..app3 (7900, 1883, 1935, 8080). */
  public record Node(int tcp, int mqtt, int rtmp, int http) {}

  private final int mqtt = freePort();
  private final int rtmp = freePort();
  private final int http = freePort();
  private final Path config;

  /**
   * {@code documented}: the file as users get it (docs/cluster/haproxy.cfg, from wherever the
   * caller runs); {@code nodes}: app1, app2, ... in order.
   */
  public Haproxy(Path documented, List<Node> nodes) {
    super("haproxy");
    this.config = dir.resolve("haproxy.cfg");
    try {
      Files.writeString(config, render(Files.readString(documented), nodes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int mqtt() {
    return mqtt;
  }

  public int http() {
    return http;
  }

  /** The documented file with every bind on a loopback port of ours and every server a node of ours. */
  private String render(String doc, List<Node> nodes) {
    List<String> out = new ArrayList<>();
    for (String line : doc.split("\n", -1)) {
      String l = line.replace("bind :7900", "bind 127.0.0.1:" + port).replace("bind :1883", "bind 127.0.0.1:" + mqtt)
          .replace("bind :1935", "bind 127.0.0.1:" + rtmp).replace("bind :8080", "bind 127.0.0.1:" + http)
          // This machine lets a process open 20,000 files; HAProxy wants two per connection and more.
          .replace("maxconn 200000", "maxconn 8000");
      Matcher m = NODE.matcher(l);
      if (m.find()) {
        Node n = nodes.get(Integer.parseInt(m.group(1)) - 1);
        int target = switch (m.group(2)) {
          case "7900" -> n.tcp();
          case "1883" -> n.mqtt();
          case "1935" -> n.rtmp();
          case "8080" -> n.http();
          default -> throw new IllegalStateException("unknown port in " + line);
        };
        l = m.replaceFirst("127.0.0.1:" + target).replace("port 8080", "port " + n.http());
      }
      out.add(l);
    }
    return String.join("\n", out);
  }

  @Override
  protected List<String> command() {
    return List.of("haproxy", "-db", "-f", config.toString());
  }

  @Override
  protected boolean ready() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), http), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
