package dev.parley.bench.live;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The tags of an FLV file, read into memory (the benchmark's source stream). */
final class FlvFile {
  record Tag(int type, long timestamp, byte[] body) {}

  private FlvFile() {}

  static List<Tag> read(Path file) throws IOException {
    List<Tag> tags = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      in.skipBytes(13);
      while (true) {
        int type;
        try {
          type = in.readUnsignedByte();
        } catch (EOFException e) {
          break;
        }
        int size = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        long ts = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        ts |= (long) in.readUnsignedByte() << 24;
        in.skipBytes(3);
        byte[] body = new byte[size];
        in.readFully(body);
        in.skipBytes(4);
        tags.add(new Tag(type, ts, body));
      }
    }
    return tags;
  }
}
