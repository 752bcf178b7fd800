package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.TestKernel;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.time.TimeSource;
import dev.parley.rtc.RtcModule;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.testing.RtcTestServers.Peer;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TURN over TLS (turns:) on its own listener, with the test certificate of parley-core. */
class TurnTlsTest {
  @TempDir
  Path dir;

  Path resource(String name) throws Exception {
    Path p = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/tls/" + name)) {
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  @Test
  void allocatesAndRelaysChannelDataOverTls() throws Exception {
    TimeSource clock = new ManualTime();
    try (TestKernel server = RtcTestServers.builder(clock)
        .set("rtc.turn.tls.enabled", "true")
        .set("tls.cert-file", resource("cert.pem").toString())
        .set("tls.key-file", resource("key.pem").toString())
        .start();
        TurnTestClient c = RtcTestServers.withCredentials(TurnTestClient.tls(server.port(RtcModule.TLS_LISTENER)), "tina", clock);
        Peer peer = new Peer()) {
      TransportAddress relayed = c.allocate();
      c.expectSuccess(c.channelBind(0x4abc, TransportAddress.of(peer.address())));
      c.channelData(0x4abc, new byte[] {1, 2, 3, 4, 5});
      assertThat(peer.receive(3000).getData()).containsExactly(1, 2, 3, 4, 5);
      peer.send(relayed.toSocketAddress(), new byte[] {9, 8});
      TurnTestClient.Received r = c.receive(3000);
      assertThat(r.channel()).isEqualTo(0x4abc);
      assertThat(r.data()).containsExactly(9, 8);
    }
  }
}
