package dev.parley.im.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What IM nodes send each other on the bus, in a small binary form: a {@code im.deliver} message is
 * a run of entries, each either committed messages of one conversation for some users (pushed and
 * tracked) or a frame for some users (sent as is), in the order the sending node made them.
 */
final class BusFrames {
  static final String DELIVER = "im.deliver";
  static final String KICK = "im.kick";
  static final String PRESENCE = "im.presence";
  /** Every user online on the sending node (replacing what it said before). */
  static final String PRESENCE_ALL = "im.presence.all";
  /** Asks the receiver for its {@link #PRESENCE_ALL}. */
  static final String PRESENCE_ASK = "im.presence.ask";

  private static final int MESSAGES = 1;
  private static final int FRAME = 2;

  /** One entry of a delivery: {@code messages} (one conversation) or {@code frame}, for {@code users}. */
  record Entry(List<StoredMessage> messages, Frame frame, Set<String> users) {}

  /** A session to kick on the node that holds it. */
  record Kick(String user, String sessionId, int reason, String message) {}

  /** Users whose presence as seen by the sending node changed: online there, or no longer. */
  record PresenceChange(List<String> online, List<String> offline) {}

  private BusFrames() {}

  static byte[] deliver(List<Entry> entries) {
    return write(out -> {
      out.writeInt(entries.size());
      for (Entry e : entries) {
        out.writeByte(e.frame() == null ? MESSAGES : FRAME);
        strings(out, e.users());
        if (e.frame() == null) {
          out.writeInt(e.messages().size());
          for (StoredMessage m : e.messages()) {
            bytes(out, m.message().toByteArray());
          }
        } else {
          bytes(out, e.frame().toByteArray());
        }
      }
    });
  }

  static List<Entry> deliver(byte[] payload) {
    return read(payload, in -> {
      int n = count(in);
      List<Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int type = in.readByte();
        Set<String> users = new LinkedHashSet<>(strings(in));
        if (type == MESSAGES) {
          int count = count(in);
          List<StoredMessage> messages = new ArrayList<>(count);
          for (int j = 0; j < count; j++) {
            Message m = Message.parseFrom(bytes(in));
            messages.add(new StoredMessage(m, m.getConversation(), m.getSeq(), m.getTimestamp(), users));
          }
          entries.add(new Entry(messages, null, users));
        } else if (type == FRAME) {
          entries.add(new Entry(null, Frame.parseFrom(bytes(in)), users));
        } else {
          throw new IOException("unknown entry type " + type);
        }
      }
      return entries;
    });
  }

  static byte[] kick(Kick k) {
    return write(out -> {
      out.writeUTF(k.user());
      out.writeUTF(k.sessionId());
      out.writeInt(k.reason());
      out.writeUTF(k.message());
    });
  }

  static Kick kick(byte[] payload) {
    return read(payload, in -> new Kick(in.readUTF(), in.readUTF(), in.readInt(), in.readUTF()));
  }

  static byte[] presence(PresenceChange p) {
    return write(out -> {
      strings(out, p.online());
      strings(out, p.offline());
    });
  }

  static PresenceChange presence(byte[] payload) {
    return read(payload, in -> new PresenceChange(strings(in), strings(in)));
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes {@code payload}; a malformed one is an {@link IllegalArgumentException}. */
  private static <T> T read(byte[] payload, Reader<T> r) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      T t = r.read(in);
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes in a bus message");
      }
      return t;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("bad protobuf in a bus message: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated bus message: " + e.getMessage(), e);
    }
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("bad count " + n);
    }
    return n;
  }

  private static void strings(DataOutputStream out, Collection<String> list) throws IOException {
    out.writeInt(list.size());
    for (String s : list) {
      out.writeUTF(s);
    }
  }

  private static List<String> strings(DataInputStream in) throws IOException {
    int n = count(in);
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(in.readUTF());
    }
    return list;
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int n = count(in);
    return in.readNBytes(n);
  }
}
