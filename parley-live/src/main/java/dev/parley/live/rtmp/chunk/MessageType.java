package dev.parley.live.rtmp.chunk;

/** RTMP message type ids. */
public final class MessageType {
  private MessageType() {}

  public static final int SET_CHUNK_SIZE = 1;
  public static final int ABORT = 2;
  public static final int ACK = 3;
  public static final int USER_CONTROL = 4;
  public static final int WINDOW_ACK_SIZE = 5;
  public static final int SET_PEER_BANDWIDTH = 6;
  public static final int AUDIO = 8;
  public static final int VIDEO = 9;
  public static final int DATA_AMF3 = 15;
  public static final int SHARED_OBJECT_AMF3 = 16;
  public static final int COMMAND_AMF3 = 17;
  public static final int DATA_AMF0 = 18;
  public static final int SHARED_OBJECT_AMF0 = 19;
  public static final int COMMAND_AMF0 = 20;
  public static final int AGGREGATE = 22;

  /** User control event types. */
  public static final int UC_STREAM_BEGIN = 0;
  public static final int UC_STREAM_EOF = 1;
  public static final int UC_STREAM_DRY = 2;
  public static final int UC_SET_BUFFER_LENGTH = 3;
  public static final int UC_STREAM_IS_RECORDED = 4;
  public static final int UC_PING_REQUEST = 6;
  public static final int UC_PING_RESPONSE = 7;
}
