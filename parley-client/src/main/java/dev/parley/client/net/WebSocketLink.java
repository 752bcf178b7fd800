package dev.parley.client.net;

import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameException;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The IM protocol over the JDK's WebSocket client: one binary message per frame, an empty binary
 * message as the heartbeat. Events from the HTTP client's threads are handed to the client's
 * {@link IoLoop}. Sends are chained, since the JDK allows one outstanding send at a time; more
 * than {@code maxPendingBytes} waiting closes the link.
 *
 * <p>Only loaded when a {@code ws://} or {@code wss://} server is configured, so runtimes
 * without {@code java.net.http} (Android) can use the TCP link.
 */
final class WebSocketLink implements Link, WebSocket.Listener {
  private final IoLoop loop;
  private final LinkListener listener;
  private final int maxFrameBytes;
  private final long maxPendingBytes;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private WebSocket ws;
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
  private long pendingBytes;
  private boolean closed;

  private WebSocketLink(IoLoop loop, LinkListener listener, int maxFrameBytes, long maxPendingBytes) {
    this.loop = loop;
    this.listener = listener;
    this.maxFrameBytes = maxFrameBytes;
    this.maxPendingBytes = maxPendingBytes;
  }

  /** Starts the WebSocket handshake with {@code uri}; events follow on {@code loop}. */
  static WebSocketLink open(IoLoop loop, HttpClient http, URI uri, Duration connectTimeout, int maxFrameBytes,
      long maxPendingBytes, LinkListener listener) {
    WebSocketLink link = new WebSocketLink(loop, listener, maxFrameBytes, maxPendingBytes);
    http.newWebSocketBuilder().connectTimeout(connectTimeout).buildAsync(uri, link).whenComplete((ws, err) ->
        loop.execute(() -> {
          if (err != null) {
            link.closeWith(err instanceof CompletionException ? err.getCause() : err);
          } else if (link.closed) {
            ws.abort();
          } else {
            link.ws = ws;
            listener.onOpen(link);
          }
        }));
    return link;
  }

  // ---------------------------------------------------------------------------------------------
  // WebSocket.Listener: HTTP client threads

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    loop.execute(() -> received(bytes, last));
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    // The server answers in the kind the client used; this client sends binary only.
    if (last && data.length() == 0) {
      heartbeatOnLoop();
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    heartbeatOnLoop();
    webSocket.request(1);
    return null;
  }

  private void heartbeatOnLoop() {
    loop.execute(() -> {
      if (!closed) {
        listener.onHeartbeat(this);
      }
    });
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    loop.execute(() -> closeWith(new EOFException("WebSocket closed by the server: " + statusCode + " " + reason)));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    loop.execute(() -> closeWith(error));
  }

  // ---------------------------------------------------------------------------------------------
  // Loop

  private void received(byte[] bytes, boolean last) {
    if (closed) {
      return;
    }
    if (partial.size() + bytes.length > maxFrameBytes) {
      closeWith(new FrameException(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, "WebSocket message over " + maxFrameBytes));
      return;
    }
    partial.write(bytes, 0, bytes.length);
    if (!last) {
      return;
    }
    byte[] whole = partial.toByteArray();
    partial.reset();
    if (whole.length == 0) {
      listener.onHeartbeat(this);
      return;
    }
    try {
      listener.onFrame(this, FrameCodec.parse(whole, 0, whole.length));
    } catch (FrameException e) {
      closeWith(e);
    }
  }

  @Override
  public void send(Frame frame) {
    write(ByteBuffer.wrap(frame.toByteArray()));
  }

  @Override
  public void sendHeartbeat() {
    write(ByteBuffer.allocate(0));
  }

  private void write(ByteBuffer data) {
    assert loop.inLoop();
    if (closed || ws == null) {
      return;
    }
    int size = data.remaining();
    pendingBytes += size;
    if (pendingBytes > maxPendingBytes) {
      closeWith(new IOException("more than " + maxPendingBytes + " bytes wait to be written; the link is stuck"));
      return;
    }
    WebSocket socket = ws;
    sending = sending.thenCompose(v -> socket.sendBinary(data, true)).whenComplete((v, err) -> loop.execute(() -> {
      pendingBytes -= size;
      if (err != null) {
        closeWith(err);
      }
    }));
  }

  @Override
  public void close() {
    closeWith(null);
  }

  private void closeWith(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    if (ws != null) {
      ws.abort();
    }
    listener.onClosed(this, cause);
  }
}
