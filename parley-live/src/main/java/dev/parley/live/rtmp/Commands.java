package dev.parley.live.rtmp;

import dev.parley.live.amf.Amf;
import dev.parley.live.amf.Amf0Reader;
import dev.parley.live.amf.AmfException;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * The NetConnection and NetStream commands of one RTMP connection: decodes a command message (AMF0,
 * or AMF3 with its format byte) and hands it to the connection, the publishing or the playing
 * side. Nothing but {@code connect} is accepted before {@code connect}; unknown commands that
 * expect an answer get {@code _error}. On the channel's event loop.
 */
final class Commands {
  private final NetConnection net;
  private final Publishing publishing;
  private final Playback playback;

  Commands(NetConnection net, Publishing publishing, Playback playback) {
    this.net = net;
    this.publishing = publishing;
    this.playback = playback;
  }

  void handle(RtmpMessage m) throws AmfException {
    ByteBuf in = Unpooled.wrappedBuffer(m.payload());
    if (m.type() == MessageType.COMMAND_AMF3 && in.isReadable() && in.getByte(0) == 0) {
      in.skipBytes(1);
    }
    List<Object> v = new Amf0Reader(in).readAll();
    if (v.isEmpty() || !(v.get(0) instanceof String name)) {
      throw new AmfException("command message without a command name");
    }
    double txn = v.size() > 1 && v.get(1) instanceof Number n ? n.doubleValue() : 0;
    if (!net.connected() && !name.equals("connect")) {
      net.fail("command " + name + " before connect");
      return;
    }
    switch (name) {
      case "connect" -> net.connect(txn, arg(v, 2));
      case "createStream" -> net.result(txn, null, (double) net.createStream());
      case "releaseStream", "_checkbw" -> net.result(txn, null, Amf.Undefined.INSTANCE);
      case "FCPublish" -> {
        net.command("onFCPublish", 0, Amf.object("code", "NetStream.Publish.Start", "description",
            String.valueOf(arg(v, 3))));
        net.result(txn, null, Amf.Undefined.INSTANCE);
      }
      case "FCUnpublish" -> {
        net.command("onFCUnpublish", 0, Amf.object("code", "NetStream.Unpublish.Success", "description",
            String.valueOf(arg(v, 3))));
        net.result(txn, null, Amf.Undefined.INSTANCE);
      }
      case "getStreamLength" -> net.result(txn, null, 0.0); // live streams have no length
      case "publish" -> publishing.publish(m.streamId(), arg(v, 3));
      case "play" -> playback.play(m.streamId(), arg(v, 3), number(arg(v, 5), -1),
          !(arg(v, 6) instanceof Boolean b) || b);
      case "deleteStream", "closeStream" -> {
        int id = name.equals("closeStream") ? m.streamId() : (int) number(arg(v, 3), m.streamId());
        publishing.closeStream(id);
        playback.closeStream(id);
        net.flush();
      }
      case "pause", "receiveAudio", "receiveVideo" -> {
        // live playback: accepted, nothing to change
      }
      default -> {
        if (txn > 0) {
          net.command("_error", txn, Amf.object("level", "error", "code", "NetConnection.Call.Failed",
              "description", "unknown command " + name));
          net.flush();
        }
      }
    }
  }

  private static Object arg(List<Object> v, int i) {
    return v.size() > i ? v.get(i) : null;
  }

  private static double number(Object o, double fallback) {
    return o instanceof Number n ? n.doubleValue() : fallback;
  }
}
