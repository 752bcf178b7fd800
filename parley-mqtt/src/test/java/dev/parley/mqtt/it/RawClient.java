package dev.parley.mqtt.it;

import dev.parley.mqtt.codec.MalformedPacketException;
import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.PacketReader;
import dev.parley.mqtt.codec.Properties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** A blocking MQTT client over a plain socket that can send anything, well formed or not. */
public final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int level;

  public RawClient(int port, int level) throws IOException {
    this.socket = new Socket("127.0.0.1", port);
    this.socket.setSoTimeout(5000);
    this.socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.level = level;
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
    int len = 0;
    for (int i = 0; i < 4; i++) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      len |= (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        break;
      }
    }
    byte[] body = in.readNBytes(len);
    try {
      return PacketReader.read(header, Unpooled.wrappedBuffer(body), level, false);
    } catch (MalformedPacketException e) {
      throw new IOException("server sent a malformed packet: " + e.getMessage(), e);
    }
  }

  /** Whether nothing arrives within {@code d} (the connection stays open and silent). */
  public boolean silentFor(Duration d) throws IOException {
    try {
      socket.setSoTimeout((int) d.toMillis());
      int b = in.read();
      if (b < 0) {
        return false;
      }
      throw new IOException("unexpected byte 0x" + Integer.toHexString(b));
    } catch (SocketTimeoutException e) {
      return true;
    }
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
  }
}
