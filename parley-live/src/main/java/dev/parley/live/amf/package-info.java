/** AMF0 and AMF3 encoding and decoding of RTMP command and data messages. */
package dev.parley.live.amf;
