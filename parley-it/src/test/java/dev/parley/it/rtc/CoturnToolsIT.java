package dev.parley.it.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.TestKernel;
import dev.parley.rtc.RtcModule;
import dev.parley.rtc.turn.RtcMetrics;
import dev.parley.rtc.turn.TurnServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coturn's client tools (Debian package coturn) against Parley's STUN/TURN server: turnutils_stunclient
 * for a Binding, turnutils_uclient relaying through channels and Send indications over UDP, TCP and
 * TLS to turnutils_peer (an echo peer on loopback, which the allow list permits in this test).
 */
class CoturnToolsIT {
  static final String SECRET = "e2e-turn-secret";
  static final Pattern TOTALS = Pattern.compile("start_mclient: tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");
  static TestKernel server;
  static Process peer;
  static int peerPort;

  @TempDir
  static Path dir;

  static Path resource(String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = CoturnToolsIT.class.getResourceAsStream("/tls/" + name)) {
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  @BeforeAll
  static void start() throws Exception {
    server = TestKernel.builder(() -> List.of(new RtcModule()))
        .set("rtc.turn.secret", SECRET)
        // turnutils_peer listens on loopback: allowed here only, never on a public server.
        .set("rtc.turn.allowed-peers", "127.0.0.0/8")
        // turnutils_uclient picks channel numbers from RFC 5766's range 0x4000-0x7FFF.
        .set("rtc.turn.rfc5766-channels", "true")
        .set("rtc.turn.tls.enabled", "true")
        .set("tls.cert-file", resource("cert.pem").toString())
        .set("tls.key-file", resource("key.pem").toString())
        .start();
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      peerPort = probe.getLocalPort();
    }
    peer = new ProcessBuilder("turnutils_peer", "-L", "127.0.0.1", "-p", String.valueOf(peerPort))
        .redirectErrorStream(true).redirectOutput(dir.resolve("peer.log").toFile()).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (peer != null) {
      peer.destroy();
      if (!peer.waitFor(5, TimeUnit.SECONDS)) {
        peer.destroyForcibly();
      }
    }
    if (server != null) {
      server.close();
    }
  }

  static RtcModule rtc() {
    return server.kernel().context().services().first(RtcModule.class).orElseThrow();
  }

  /** Runs a tool to completion and returns what it printed. */
  static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
  }

  static String uclient(String... flags) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("turnutils_uclient"));
    cmd.addAll(List.of(flags));
    cmd.addAll(List.of("-e", "127.0.0.1", "-r", String.valueOf(peerPort), "-W", SECRET, "-u", "e2e-user",
        "-n", "50", "-m", "2", "-l", "300", "127.0.0.1"));
    return run(cmd);
  }

  /** Every message the clients sent came back, and it was {@code expected} messages (or any number, if -1). */
  static void assertAllEchoed(String output, int expected) {
    Matcher m = TOTALS.matcher(output);
    int sent = -1;
    int received = -1;
    while (m.find()) {
      sent = Integer.parseInt(m.group(1));
      received = Integer.parseInt(m.group(2));
    }
    assertThat(sent).as(output).isPositive();
    if (expected >= 0) {
      assertThat(sent).as(output).isEqualTo(expected);
    }
    assertThat(received).as(output).isEqualTo(sent);
    assertThat(output).contains("Total lost packets 0");
  }

  static void assertAllEchoed(String output) {
    assertAllEchoed(output, 100);
  }

  @Test
  void stunclientGetsItsReflexiveAddress() throws Exception {
    String out = run(List.of("turnutils_stunclient", "-p", String.valueOf(rtc().udpPort()), "127.0.0.1"));
    assertThat(out).contains("UDP reflexive addr: 127.0.0.1:");
  }

  @Test
  void uclientRelaysThroughChannelsOverUdp() throws Exception {
    TurnServer turn = rtc().turnServer();
    long before = turn.metrics().relayedPackets(RtcMetrics.Direction.TO_CLIENT);
    assertAllEchoed(uclient("-p", String.valueOf(rtc().udpPort())));
    assertThat(turn.metrics().relayedPackets(RtcMetrics.Direction.TO_CLIENT) - before).isGreaterThanOrEqualTo(100);
  }

  @Test
  void uclientRelaysWithSendIndicationsOverUdp() throws Exception {
    assertAllEchoed(uclient("-s", "-p", String.valueOf(rtc().udpPort())));
  }

  @Test
  void uclientRelaysOverTcp() throws Exception {
    assertAllEchoed(uclient("-t", "-p", String.valueOf(server.port(RtcModule.TCP_LISTENER))));
    assertAllEchoed(uclient("-t", "-s", "-p", String.valueOf(server.port(RtcModule.TCP_LISTENER))));
  }

  @Test
  void uclientRelaysOverTls() throws Exception {
    assertAllEchoed(uclient("-t", "-S", "-p", String.valueOf(server.port(RtcModule.TLS_LISTENER))));
  }

  @Test
  void uclientClientToClientThroughTwoRelays() throws Exception {
    String out = run(List.of("turnutils_uclient", "-y", "-p", String.valueOf(rtc().udpPort()), "-W", SECRET, "-u",
        "e2e-user", "-n", "50", "-m", "2", "-l", "300", "127.0.0.1"));
    // Client-to-client counts differ by timing of the pairing; every one sent must arrive.
    assertAllEchoed(out, -1);
  }
}
