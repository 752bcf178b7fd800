package dev.parley.client.net;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS over a non-blocking socket with {@link SSLEngine}: bytes from the socket go in through
 * {@link #received}, plaintext comes out through {@link Out#app}; plaintext to send goes in
 * through {@link #write}, records to put on the socket come out through {@link Out#net}. The
 * server's host name is verified as HTTPS clients do. Not thread-safe: the link's loop drives it.
 */
final class TlsSession {
  /** Where the session's output goes. */
  interface Out {
    /** Encrypted bytes for the socket (the buffer is the callee's). */
    void net(ByteBuffer records);

    /** Decrypted bytes; consumed before the call returns. */
    void app(ByteBuffer plain);

    /** The handshake finished; plaintext written before now is on its way. */
    void handshakeDone();
  }

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private final SSLEngine engine;
  private final ArrayDeque<ByteBuffer> early = new ArrayDeque<>();
  /** Encrypted bytes received and not yet unwrapped; write mode. */
  private ByteBuffer netIn;
  private ByteBuffer appIn;
  private boolean handshakeDone;

  TlsSession(SSLContext context, String host, int port) {
    engine = context.createSSLEngine(host, port);
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
  }

  void begin(Out out) throws IOException {
    engine.beginHandshake();
    pump(out);
  }

  /** Bytes read from the socket (read mode; consumed entirely). */
  void received(ByteBuffer data, Out out) throws IOException {
    if (netIn.remaining() < data.remaining()) {
      ByteBuffer bigger = ByteBuffer.allocate(netIn.position() + data.remaining() + engine.getSession().getPacketBufferSize());
      netIn.flip();
      bigger.put(netIn);
      netIn = bigger;
    }
    netIn.put(data);
    pump(out);
  }

  /** Plaintext to send; held until the handshake is done. */
  void write(ByteBuffer plain, Out out) throws IOException {
    if (!handshakeDone) {
      early.add(plain);
      return;
    }
    wrap(plain, out);
  }

  private void pump(Out out) throws IOException {
    while (true) {
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
          task.run();
        }
        continue;
      }
      if (hs == HandshakeStatus.NEED_WRAP) {
        wrap(EMPTY, out);
        continue;
      }
      if (netIn.position() == 0) {
        return;
      }
      netIn.flip();
      SSLEngineResult r;
      try {
        r = engine.unwrap(netIn, appIn);
      } finally {
        netIn.compact();
      }
      switch (r.getStatus()) {
        case BUFFER_OVERFLOW:
          appIn = ByteBuffer.allocate(appIn.capacity() + engine.getSession().getApplicationBufferSize());
          continue;
        case BUFFER_UNDERFLOW:
          return;
        case CLOSED:
          throw new EOFException("TLS session closed by the server");
        default:
          break;
      }
      if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
        finished(out);
      }
      if (appIn.position() > 0) {
        appIn.flip();
        out.app(appIn);
        appIn.clear();
      }
      if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && engine.getHandshakeStatus() == hs) {
        return;
      }
    }
  }

  private void wrap(ByteBuffer src, Out out) throws IOException {
    do {
      ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      SSLEngineResult r = engine.wrap(src, dst);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new SSLException("TLS session closed");
      }
      if (dst.position() > 0) {
        dst.flip();
        out.net(dst);
      }
      if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
        finished(out);
      }
      if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
        return;
      }
    } while (src.hasRemaining());
  }

  private void finished(Out out) throws IOException {
    if (handshakeDone) {
      return;
    }
    handshakeDone = true;
    while (!early.isEmpty()) {
      wrap(early.poll(), out);
    }
    out.handshakeDone();
  }
}
