package dev.parley.rtc.signal;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Ok;

/** Answers to signaling requests: results echo the request's req, events carry req 0. */
public final class Replies {
  private static final Frame.Builder OK = Frame.newBuilder().setOk(Ok.getDefaultInstance());

  private Replies() {}

  /** Refuses request {@code req} with {@code code}; the connection stays open. */
  public static void refuse(ImSession s, int req, ErrorCode code, String message) {
    s.send(Frame.newBuilder().setReq(req).setError(Error.newBuilder().setCode(code).setMessage(message)).build());
  }

  public static void ok(ImSession s, int req) {
    s.send(OK.clone().setReq(req).build());
  }

  /** Sends {@code frame} as the answer to {@code req} (0 for an event). */
  public static void answer(ImSession s, int req, Frame.Builder frame) {
    s.send(frame.setReq(req).build());
  }
}
