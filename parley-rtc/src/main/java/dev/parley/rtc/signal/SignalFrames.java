package dev.parley.rtc.signal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.protocol.im.Frame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What signaling nodes send each other on the bus, written with protobuf's coded streams (strings
 * and length-delimited frames one after the other):
 *
 * <ul>
 *   <li>{@link #SESSIONS}: sessions of the sending node that opened or closed, or all of them
 *       (replacing what it said before);
 *   <li>{@link #ASK}: asks the receiver for all its sessions;
 *   <li>{@link #TO_SESSION}: a frame for one session of the receiving node;
 *   <li>{@link #TO_HOME}: a frame a client of the sending node sent for a call or room held by the
 *       receiver.
 * </ul>
 */
final class SignalFrames {
  static final String SESSIONS = "rtc.session";
  static final String ASK = "rtc.session.ask";
  static final String TO_SESSION = "rtc.frame";
  static final String TO_HOME = "rtc.call";

  /** What a {@link #SESSIONS} message says of its sessions. */
  enum Change { OPENED, CLOSED, ALL }

  /** A session as other nodes know it. */
  record Ref(String user, String deviceId, String sessionId) {}

  record Sessions(Change change, List<Ref> sessions) {}

  /** A frame to or from {@code session}. */
  record Addressed(Ref session, Frame frame) {}

  private SignalFrames() {}

  static byte[] sessions(Change change, List<Ref> refs) {
    return write(out -> {
      out.writeEnumNoTag(change.ordinal());
      out.writeUInt32NoTag(refs.size());
      for (Ref r : refs) {
        ref(out, r);
      }
    });
  }

  static Sessions sessions(byte[] payload) {
    return read(payload, in -> {
      int change = in.readEnum();
      if (change < 0 || change >= Change.values().length) {
        throw new InvalidProtocolBufferException("unknown session change " + change);
      }
      int n = in.readUInt32();
      List<Ref> refs = new ArrayList<>(Math.min(n, 1024));
      for (int i = 0; i < n; i++) {
        refs.add(ref(in));
      }
      return new Sessions(Change.values()[change], refs);
    });
  }

  static byte[] addressed(Ref session, Frame frame) {
    return write(out -> {
      ref(out, session);
      out.writeByteArrayNoTag(frame.toByteArray());
    });
  }

  static Addressed addressed(byte[] payload) {
    return read(payload, in -> new Addressed(ref(in), Frame.parseFrom(in.readByteArray())));
  }

  private static void ref(CodedOutputStream out, Ref r) throws IOException {
    out.writeStringNoTag(r.user());
    out.writeStringNoTag(r.deviceId());
    out.writeStringNoTag(r.sessionId());
  }

  private static Ref ref(CodedInputStream in) throws IOException {
    return new Ref(in.readStringRequireUtf8(), in.readStringRequireUtf8(), in.readStringRequireUtf8());
  }

  private interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  private interface Parse<T> {
    T parse(CodedInputStream in) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      body.write(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes {@code payload}; a malformed one is an {@link IllegalArgumentException}. */
  private static <T> T read(byte[] payload, Parse<T> parse) {
    CodedInputStream in = CodedInputStream.newInstance(payload);
    try {
      T t = parse.parse(in);
      if (!in.isAtEnd()) {
        throw new IllegalArgumentException("trailing bytes in a signaling bus message");
      }
      return t;
    } catch (IOException e) {
      throw new IllegalArgumentException("bad signaling bus message: " + e.getMessage(), e);
    }
  }
}
