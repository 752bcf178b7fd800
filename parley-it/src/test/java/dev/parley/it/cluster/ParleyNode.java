package dev.parley.it.cluster;

import dev.parley.core.testing.ExternalServer;
import dev.parley.core.testing.Haproxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Parley node of a cluster: the runnable jar as a process of its own, on its own loopback ports
 * and data directory, ready when {@code /healthz} answers 200. {@link #kill} is SIGKILL,
 * {@link #stop} SIGTERM (the node drains), {@link #start} again keeps ports and data.
 */
final class ParleyNode extends ExternalServer {
  /** The repository root (tests run in parley-it). */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path JAR = ROOT.resolve("parley-server/target/parley.jar");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String id;
  private final Map<String, String> settings;
  private final int tcp = freePort();
  private final int mqtt = freePort();
  private final int rtmp = freePort();

  /** @param settings keys every node of the cluster shares (store, Redis, secrets) */
  ParleyNode(String id, Map<String, String> settings) {
    super("node-" + id);
    this.id = id;
    this.settings = settings;
  }

  String id() {
    return id;
  }

  int http() {
    return port;
  }

  int tcp() {
    return tcp;
  }

  int mqtt() {
    return mqtt;
  }

  int rtmp() {
    return rtmp;
  }

  /** The node's ports, for a proxy in front. */
  Haproxy.Node ports() {
    return new Haproxy.Node(tcp, mqtt, rtmp, port);
  }

  @Override
  protected List<String> command() {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", JAR.toString(), "start", "--data.dir=" + dir.resolve("data"),
        "--cluster.node-id=" + id, "--http.host=127.0.0.1", "--http.port=" + port, "--im.tcp.host=127.0.0.1",
        "--im.tcp.port=" + tcp, "--mqtt.host=127.0.0.1", "--mqtt.port=" + mqtt, "--live.rtmp.host=127.0.0.1",
        "--live.rtmp.port=" + rtmp, "--rtc.turn.udp.port=0", "--rtc.turn.tcp.port=0"));
    settings.forEach((k, v) -> cmd.add("--" + k + "=" + v));
    return cmd;
  }

  @Override
  protected boolean ready() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last lines of the node's log, for failure messages. */
  String lastLines() {
    return tail();
  }
}
