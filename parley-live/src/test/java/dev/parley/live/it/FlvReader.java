package dev.parley.live.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads an HTTP-FLV response in a background thread and keeps its tags. */
final class FlvReader implements AutoCloseable {
  record Tag(int type, long timestamp, byte[] body) {}

  final List<Tag> tags = new CopyOnWriteArrayList<>();
  final int status;
  final java.net.http.HttpHeaders headers;
  volatile byte[] header;
  volatile boolean ended;
  private final InputStream in;
  private final Thread thread;

  FlvReader(String url) throws IOException, InterruptedException {
    this(url, null);
  }

  /** Reads as a browser page of {@code origin} would (null: no Origin header, as a native player). */
  FlvReader(String url, String origin) throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url));
    if (origin != null) {
      req.header("Origin", origin);
    }
    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    status = r.statusCode();
    headers = r.headers();
    in = r.body();
    thread = new Thread(this::read, "flv-reader");
    thread.setDaemon(true);
    if (status == 200) {
      thread.start();
    }
  }

  private void read() {
    try (DataInputStream d = new DataInputStream(in)) {
      byte[] h = new byte[13];
      d.readFully(h);
      header = h;
      while (true) {
        int type = d.read();
        if (type < 0) {
          break;
        }
        int size = (d.readUnsignedByte() << 16) | d.readUnsignedShort();
        long ts = (d.readUnsignedByte() << 16) | d.readUnsignedShort();
        ts |= (long) d.readUnsignedByte() << 24;
        d.skipBytes(3);
        byte[] body = new byte[size];
        d.readFully(body);
        int prev = d.readInt();
        if (prev != size + 11) {
          throw new IOException("bad PreviousTagSize " + prev + " after a tag of " + size);
        }
        tags.add(new Tag(type, ts, body));
      }
    } catch (IOException e) {
      // closed by the test or the server
    }
    ended = true;
  }

  List<Tag> pictures() {
    return tags.stream().filter(t -> t.type() == 9 && t.body()[1] == 1).toList();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
