package dev.parley.rtc.testing;

import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.stun.ChannelData;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunDecoder;
import dev.parley.rtc.stun.StunException;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A raw STUN/TURN client over UDP or TCP for tests: it builds every message itself, so tests can send
 * anything, including bad sequences. Not thread-safe.
 */
public final class TurnTestClient implements AutoCloseable {
  /** Data relayed to the client: from a Data indication (channel 0) or a ChannelData frame. */
  public record Received(int channel, TransportAddress peer, byte[] data) {}

  private final DatagramSocket udp;
  private final Socket tcp;
  private final InetSocketAddress server;
  private final Deque<Object> inbox = new ArrayDeque<>();
  private String username;
  private String password;
  private String realm;
  private String nonce;
  private boolean sha256;

  private TurnTestClient(DatagramSocket udp, Socket tcp, InetSocketAddress server) {
    this.udp = udp;
    this.tcp = tcp;
    this.server = server;
  }

  public static TurnTestClient udp(int port) {
    try {
      DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      s.setSoTimeout(200);
      return new TurnTestClient(s, null, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TurnTestClient tcp(int port) {
    try {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      s.setSoTimeout(5000);
      s.setTcpNoDelay(true);
      return new TurnTestClient(null, s, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client over TLS that trusts any certificate (the test server's is self-signed). */
  public static TurnTestClient tls(int port) {
    try {
      javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
          return new java.security.cert.X509Certificate[0];
        }
      }}, null);
      javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ssl.getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), port);
      s.setSoTimeout(5000);
      s.startHandshake();
      return new TurnTestClient(null, s, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public TurnTestClient credentials(String username, String password) {
    this.username = username;
    this.password = password;
    return this;
  }

  /** Signs with MESSAGE-INTEGRITY-SHA256 instead of MESSAGE-INTEGRITY. */
  public TurnTestClient useSha256() {
    this.sha256 = true;
    return this;
  }

  public String nonce() {
    return nonce;
  }

  public void nonce(String nonce) {
    this.nonce = nonce;
  }

  public InetSocketAddress localAddress() {
    return udp != null ? (InetSocketAddress) udp.getLocalSocketAddress() : (InetSocketAddress) tcp.getLocalSocketAddress();
  }

  public static byte[] transactionId() {
    byte[] t = new byte[12];
    ThreadLocalRandom.current().nextBytes(t);
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  /** Sends {@code request} and waits for the response with its transaction id (retransmitting over UDP). */
  public StunMessage exchange(byte[] request) {
    byte[] tid = Arrays.copyOfRange(request, 8, 20);
    long deadline = System.currentTimeMillis() + 5000;
    long nextSend = 0;
    while (System.currentTimeMillis() < deadline) {
      if (System.currentTimeMillis() >= nextSend) {
        sendRaw(request);
        nextSend = udp != null ? System.currentTimeMillis() + 500 : Long.MAX_VALUE;
      }
      Object in = readOne();
      if (in instanceof StunMessage m && m.cls() != StunMethod.INDICATION && Arrays.equals(m.transactionId(), tid)) {
        return m;
      }
      if (in != null) {
        inbox.add(in);
      }
    }
    throw new AssertionError("no response to request " + StunMethod.name(StunMethod.method(((request[0] & 0x3F) << 8)
        | (request[1] & 0xFF))));
  }

  /**
   * An authenticated request: adds USERNAME, REALM, NONCE and MESSAGE-INTEGRITY once a realm and
   * nonce are known; on 401 or 438 with a new nonce it retries with it (as real clients do).
   */
  public StunMessage request(int method, Consumer<StunMessageBuilder> attributes) {
    StunMessage r = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      r = exchange(build(method, transactionId(), attributes));
      int code = errorCode(r);
      if ((code == 401 || code == 438) && r.has(StunAttr.NONCE)) {
        boolean fresh = nonce == null || code == 438 || realm == null;
        realm = r.text(StunAttr.REALM);
        nonce = r.text(StunAttr.NONCE);
        if (fresh && username != null) {
          continue;
        }
      }
      return r;
    }
    return r;
  }

  /** The encoded request with credentials (when known) and FINGERPRINT. */
  public byte[] build(int method, byte[] tid, Consumer<StunMessageBuilder> attributes) {
    StunMessageBuilder b = StunMessageBuilder.of(method, StunMethod.REQUEST, tid);
    attributes.accept(b);
    if (username != null && realm != null && nonce != null) {
      b.text(StunAttr.USERNAME, username).text(StunAttr.REALM, realm).text(StunAttr.NONCE, nonce);
      return b.build(key(), sha256 ? StunMessageBuilder.Integrity.SHA256 : StunMessageBuilder.Integrity.SHA1, true);
    }
    return b.build(null, StunMessageBuilder.Integrity.NONE, true);
  }

  public byte[] key() {
    return Authenticator.longTermKey(username, realm, password);
  }

  public static int errorCode(StunMessage m) {
    if (m.cls() != StunMethod.ERROR) {
      return 0;
    }
    byte[] v = m.get(StunAttr.ERROR_CODE).value();
    return (v[2] & 7) * 100 + (v[3] & 0xFF);
  }

  public static String reason(StunMessage m) {
    byte[] v = m.get(StunAttr.ERROR_CODE).value();
    return new String(v, 4, v.length - 4, java.nio.charset.StandardCharsets.UTF_8);
  }

  public StunMessage allocateRequest(long lifetime) {
    return request(StunMethod.ALLOCATE, b -> {
      b.add(StunAttr.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0});
      if (lifetime >= 0) {
        b.u32(StunAttr.LIFETIME, lifetime);
      }
    });
  }

  /** Allocates and returns the relayed address; fails the test on an error. */
  public TransportAddress allocate() {
    StunMessage r = allocateRequest(-1);
    expectSuccess(r);
    try {
      return r.address(StunAttr.XOR_RELAYED_ADDRESS);
    } catch (StunException e) {
      throw new AssertionError(e);
    }
  }

  public StunMessage refresh(long lifetime) {
    return request(StunMethod.REFRESH, b -> b.u32(StunAttr.LIFETIME, lifetime));
  }

  public StunMessage createPermission(TransportAddress... peers) {
    return request(StunMethod.CREATE_PERMISSION, b -> {
      for (TransportAddress p : peers) {
        b.address(StunAttr.XOR_PEER_ADDRESS, p);
      }
    });
  }

  public StunMessage channelBind(int channel, TransportAddress peer) {
    return request(StunMethod.CHANNEL_BIND, b -> b.u32(StunAttr.CHANNEL_NUMBER, ((long) channel) << 16)
        .address(StunAttr.XOR_PEER_ADDRESS, peer));
  }

  public void expectSuccess(StunMessage r) {
    if (r.cls() != StunMethod.SUCCESS) {
      throw new AssertionError("expected success, got " + errorCode(r) + " " + reason(r));
    }
    if (!(r.hasIntegrity() ? r.verifyIntegrity(key()) : r.verifyIntegritySha256(key()))) {
      throw new AssertionError("response integrity does not verify");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Data

  public void send(TransportAddress peer, byte[] data) {
    sendRaw(StunMessageBuilder.of(StunMethod.SEND, StunMethod.INDICATION, transactionId())
        .address(StunAttr.XOR_PEER_ADDRESS, peer).add(StunAttr.DATA, data).build());
  }

  public void channelData(int channel, byte[] data) {
    int frame = ChannelData.frameLength(data.length, tcp != null);
    byte[] out = new byte[frame];
    out[0] = (byte) (channel >>> 8);
    out[1] = (byte) channel;
    out[2] = (byte) (data.length >>> 8);
    out[3] = (byte) data.length;
    System.arraycopy(data, 0, out, 4, data.length);
    sendRaw(out);
  }

  /**
   * Sends a Binding request as a marker and returns the relayed data that reached this client
   * before its answer (queued earlier included). Shows that something did not arrive without
   * waiting out a timer: the server answered a later request first.
   */
  public java.util.List<Received> relayedBeforeMarker() {
    exchange(StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, transactionId())
        .build(null, StunMessageBuilder.Integrity.NONE, true));
    java.util.List<Received> out = new java.util.ArrayList<>();
    for (Object in : inbox) {
      Received r = relayed(in);
      if (r != null) {
        out.add(r);
      }
    }
    inbox.clear();
    return out;
  }

  private static Received relayed(Object in) {
    if (in instanceof Received r) {
      return r;
    }
    if (in instanceof StunMessage m && m.method() == StunMethod.DATA && m.cls() == StunMethod.INDICATION) {
      try {
        return new Received(0, m.address(StunAttr.XOR_PEER_ADDRESS), m.get(StunAttr.DATA).value());
      } catch (StunException e) {
        throw new AssertionError(e);
      }
    }
    return null;
  }

  /** The next relayed data within {@code millis}, or null. */
  public Received receive(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      Object in = inbox.isEmpty() ? readOne() : inbox.poll();
      Received r = relayed(in);
      if (r != null) {
        return r;
      }
      if (System.currentTimeMillis() >= deadline) {
        return null;
      }
    }
  }

  public void sendRaw(byte[] bytes) {
    try {
      if (udp != null) {
        udp.send(new DatagramPacket(bytes, bytes.length, server));
      } else {
        OutputStream out = tcp.getOutputStream();
        out.write(bytes);
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server closed the TCP connection (end of stream within {@code millis}). */
  public boolean closedByServer(long millis) {
    try {
      tcp.setSoTimeout((int) millis);
      return tcp.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** One message or ChannelData frame, or null after a short wait. */
  private Object readOne() {
    try {
      byte[] frame;
      if (udp != null) {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          udp.receive(p);
        } catch (SocketTimeoutException e) {
          return null;
        }
        frame = Arrays.copyOf(buf, p.getLength());
      } else {
        DataInputStream in = new DataInputStream(tcp.getInputStream());
        tcp.setSoTimeout(200);
        byte[] head = new byte[4];
        try {
          in.readFully(head);
        } catch (SocketTimeoutException e) {
          return null;
        }
        tcp.setSoTimeout(5000);
        int length = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
        boolean cd = ChannelData.isChannelData(head[0]);
        int rest = cd ? ChannelData.frameLength(length, true) - 4 : 16 + length;
        frame = Arrays.copyOf(head, 4 + rest);
        in.readFully(frame, 4, rest);
        if (cd) {
          frame = Arrays.copyOf(frame, 4 + length);
        }
      }
      if (ChannelData.isChannelData(frame[0])) {
        int ch = ((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF);
        int length = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
        return new Received(ch, null, Arrays.copyOfRange(frame, 4, 4 + length));
      }
      return StunDecoder.decode(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (StunException e) {
      throw new AssertionError("server sent a malformed message: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      if (udp != null) {
        udp.close();
      } else {
        tcp.close();
      }
    } catch (IOException e) {
      // closing anyway
    }
  }
}
