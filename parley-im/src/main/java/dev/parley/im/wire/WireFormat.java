package dev.parley.im.wire;

/** How frames are written to one connection. */
public enum WireFormat {
  /** Varint length-prefixed protobuf on TCP. */
  TCP,
  /** Protobuf in binary WebSocket messages. */
  WS_BINARY,
  /** Protobuf's canonical JSON mapping in text WebSocket messages. */
  WS_JSON
}
