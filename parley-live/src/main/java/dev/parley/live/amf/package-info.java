/**
 * AMF0 and AMF3 encoding and decoding of RTMP command and data messages: pure codecs, no I/O.
 * Internal to parley-live (public types are those the RTMP and stream packages, the test client
 * and the benchmarks use).
 */
package dev.parley.live.amf;
