package dev.parley.rtc.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the STUN decoder: any input decodes or fails with {@link StunException}, and what
 * decodes can be read (addresses, integrity) without any other exception.
 *
 * <p>Every build replays the inputs in {@code src/test/resources/dev/parley/rtc/stun/
 * StunDecoderFuzzTestInputs/anyBytesDecodeOrFailCleanly/} (Jazzer's regression mode): real
 * messages captured with tshark on loopback while coturn's turnutils_stunclient and
 * turnutils_uclient (UDP and TCP, channels and Send indications) ran against Parley, both
 * directions, one file per message kind, named for it. With {@code JAZZER_FUZZ=1} (CI, for a
 * bounded time) Jazzer mutates from them; an input that crashes is written to the same directory
 * and is committed there, so it replays in every build after.
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
