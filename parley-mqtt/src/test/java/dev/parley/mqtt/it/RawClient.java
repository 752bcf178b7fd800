package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.Properties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * A blocking MQTT client over a plain socket that can send anything, well formed or not. What the
 * broker sends is decoded by {@link IndependentDecoder} (Netty's codec), never by our own reader.
 */
public final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int level;
  private final IndependentDecoder decoder;

  public RawClient(int port, int level) throws IOException {
    this.socket = new Socket("127.0.0.1", port);
    this.socket.setSoTimeout(5000);
    this.socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.level = level;
    this.decoder = new IndependentDecoder(level);
  }

  public int level() {
    return level;
  }

  public void send(MqttPacket p) throws IOException {
    ByteBuf b = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, p, level);
    try {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      out.write(bytes);
      out.flush();
    } finally {
      b.release();
    }
  }

  public void sendBytes(int... bytes) throws IOException {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    out.write(b);
    out.flush();
  }

  /** Sends CONNECT and returns the CONNACK. */
  public MqttPacket.ConnAck connect(String clientId, boolean clean, Properties props) throws IOException {
    send(new MqttPacket.Connect(level, clean, 60, props, clientId, null, null, null));
    return (MqttPacket.ConnAck) read();
  }

  public MqttPacket.ConnAck connect(String clientId) throws IOException {
    return connect(clientId, true, Properties.NONE);
  }

  /** The next packet; fails on timeout or close. */
  public MqttPacket read() throws IOException {
    MqttPacket p = readOrNull(Duration.ofSeconds(5));
    if (p == null) {
      throw new EOFException("connection closed");
    }
    return p;
  }

  /** The next packet, or null when the server closed the connection. */
  public MqttPacket readOrNull(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    int header = in.read();
    if (header < 0) {
      return null;
    }
    java.io.ByteArrayOutputStream packet = new java.io.ByteArrayOutputStream();
    packet.write(header);
    int len = 0;
    for (int i = 0; i < 4; i++) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      packet.write(b);
      len |= (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        break;
      }
    }
    byte[] body = in.readNBytes(len);
    if (body.length < len) {
      return null;
    }
    packet.write(body);
    return decoder.decode(packet.toByteArray());
  }

  /**
   * Sends PINGREQ and asserts that PINGRESP is the next packet. The broker handles one
   * connection's packets in order on its event loop and writes what they cause (resends, retained
   * messages, deliveries of its own publishes) before it reads the next one, so anything still
   * owed to this client from earlier would arrive before the PINGRESP.
   */
  public void assertNothingMoreBeforePing() throws IOException {
    send(MqttPacket.PingReq.INSTANCE);
    assertThat(read()).as("nothing before the PINGRESP").isEqualTo(MqttPacket.PingResp.INSTANCE);
  }

  /** Reads until the server closes; returns the last packet it sent before closing (or null). */
  public MqttPacket readUntilClosed() throws IOException {
    MqttPacket last = null;
    while (true) {
      MqttPacket p;
      try {
        p = readOrNull(Duration.ofSeconds(5));
      } catch (java.net.SocketException e) {
        return last;
      }
      if (p == null) {
        return last;
      }
      last = p;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    decoder.close();
  }
}
