package dev.parley.it.cluster;

import dev.parley.core.testing.ExternalServer;
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
 * HAProxy (Debian's haproxy) in front of the nodes, running the configuration docs/cluster/haproxy.cfg
 * gives users, with its addresses and ports replaced by the test's: {@link #port} is the IM TCP
 * frontend, {@link #mqtt} and {@link #http} the others.
 */
final class Haproxy extends ExternalServer {
  static final Path CONFIG = Path.of("..").toAbsolutePath().normalize().resolve("docs/cluster/haproxy.cfg");
  private static final Pattern NODE = Pattern.compile("10\\.0\\.0\\.1(\\d):(\\d+)");

  private final int mqtt = freePort();
  private final int rtmp = freePort();
  private final int http = freePort();
  private final Path config;

  Haproxy(List<ParleyNode> nodes) {
    super("haproxy");
    this.config = dir.resolve("haproxy.cfg");
    try {
      Files.writeString(config, render(Files.readString(CONFIG), nodes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int mqtt() {
    return mqtt;
  }

  int http() {
    return http;
  }

  /** The documented file with every bind on a loopback port of ours and every server a node of ours. */
  private String render(String doc, List<ParleyNode> nodes) {
    List<String> out = new ArrayList<>();
    for (String line : doc.split("\n", -1)) {
      String l = line.replace("bind :7900", "bind 127.0.0.1:" + port).replace("bind :1883", "bind 127.0.0.1:" + mqtt)
          .replace("bind :1935", "bind 127.0.0.1:" + rtmp).replace("bind :8080", "bind 127.0.0.1:" + http)
          // This machine lets a process open 20,000 files; HAProxy wants two per connection and more.
          .replace("maxconn 200000", "maxconn 8000");
      Matcher m = NODE.matcher(l);
      if (m.find()) {
        ParleyNode n = nodes.get(Integer.parseInt(m.group(1)) - 1);
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
