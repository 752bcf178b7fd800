package dev.parley.rtc.testing;

import dev.parley.core.testing.TestKernel;
import dev.parley.core.time.TimeSource;
import dev.parley.rtc.RtcModule;
import dev.parley.rtc.auth.RestCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Servers with the rtc module for tests, their credentials, and UDP peers. */
public final class RtcTestServers {
  public static final String SECRET = "test-turn-secret";

  private RtcTestServers() {}

  /** A server with the rtc module whose relays may reach loopback peers (the allow list). */
  public static TestKernel.Builder builder(TimeSource time) {
    return TestKernel.builder(() -> List.of(new RtcModule()))
        .time(time)
        .set("rtc.turn.secret", SECRET)
        .set("rtc.turn.allowed-peers", "127.0.0.0/8");
  }

  public static RtcModule module(TestKernel k) {
    return k.kernel().context().services().first(RtcModule.class).orElseThrow();
  }

  /** A UDP client with REST credentials for {@code userId}, valid for an hour from the clock. */
  public static TurnTestClient udpClient(TestKernel k, String userId, TimeSource time) {
    return withCredentials(TurnTestClient.udp(module(k).udpPort()), userId, time);
  }

  public static TurnTestClient tcpClient(TestKernel k, String userId, TimeSource time) {
    return withCredentials(TurnTestClient.tcp(k.port(RtcModule.TCP_LISTENER)), userId, time);
  }

  public static TurnTestClient withCredentials(TurnTestClient c, String userId, TimeSource time) {
    RestCredentials.Credentials cred = new RestCredentials(SECRET).mint(userId, Duration.ofHours(1), time.now());
    return c.credentials(cred.username(), cred.password());
  }

  /** A UDP socket on loopback standing in for the remote peer. */
  public static final class Peer implements AutoCloseable {
    private final DatagramSocket socket;

    public Peer() {
      try {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(3000);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public void send(InetSocketAddress to, byte[] data) {
      try {
        socket.send(new DatagramPacket(data, data.length, to));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The datagrams received before one whose payload is {@code marker} (which is consumed): shows
     * that an earlier packet did not come through, without waiting out a timer.
     */
    public List<byte[]> receivedBefore(byte[] marker) {
      List<byte[]> before = new java.util.ArrayList<>();
      while (true) {
        DatagramPacket p = receive(5000);
        if (p == null) {
          throw new AssertionError("the marker never arrived");
        }
        if (Arrays.equals(p.getData(), marker)) {
          return before;
        }
        before.add(p.getData());
      }
    }

    /** The next datagram and its sender, or null after {@code millis}. */
    public DatagramPacket receive(int millis) {
      byte[] buf = new byte[65536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.setSoTimeout(millis);
        socket.receive(p);
        p.setData(Arrays.copyOf(buf, p.getLength()));
        return p;
      } catch (SocketTimeoutException e) {
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
