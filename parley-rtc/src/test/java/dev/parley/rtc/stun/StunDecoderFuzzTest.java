package dev.parley.rtc.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the STUN decoder: any input decodes or fails with {@link StunException}, and what
 * decodes can be read (addresses, integrity) without any other exception. Runs its corpus in every
 * build; CI fuzzes it for a bounded time with JAZZER_FUZZ=1.
 */
class StunDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrFailCleanly(byte[] input) {
    StunMessage m;
    try {
      m = StunDecoder.decode(input);
    } catch (StunException expected) {
      return;
    }
    m.verifyIntegrity("key".getBytes(StandardCharsets.UTF_8));
    m.verifyIntegritySha256("key".getBytes(StandardCharsets.UTF_8));
    for (StunAttribute a : m.attributes()) {
      try {
        m.address(a.type());
      } catch (StunException expected) {
        // a malformed address is reported this way
      }
      a.u32();
    }
    m.toString();
  }
}
