package dev.parley.files.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tus headers' values, strictly parsed. */
class TusHeadersTest {
  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void metadataIsKeysWithBase64Values_keysMayComeAlone() {
    assertThat(TusHeaders.metadata("filename " + b64("ünï code.png") + ",is_confidential, filetype " + b64("image/png")))
        .containsExactly(Map.entry("filename", "ünï code.png"), Map.entry("is_confidential", ""),
            Map.entry("filetype", "image/png"));
    assertThat(TusHeaders.metadata(null)).isEmpty();
    assertThat(TusHeaders.metadata(" ")).isEmpty();
    assertThat(TusHeaders.metadata("name " + b64("ab").replace("=", ""))).containsEntry("name", "ab");
  }

  @Test
  void badMetadataIsRefused() {
    assertThatThrownBy(() -> TusHeaders.metadata("a b c")).hasMessageContaining("key, a space");
    assertThatThrownBy(() -> TusHeaders.metadata(",x")).hasMessageContaining("key, a space");
    assertThatThrownBy(() -> TusHeaders.metadata("a !!!")).hasMessageContaining("not Base64");
    assertThatThrownBy(() -> TusHeaders.metadata("a,a")).hasMessageContaining("given twice");
  }

  @Test
  void numbersAreNonNegativeDecimals() {
    assertThat(TusHeaders.number("Upload-Length", "0")).isZero();
    assertThat(TusHeaders.number("Upload-Length", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    for (String bad : new String[] {null, "", "-1", "+1", "1.5", " 1", "0x10", "99999999999999999999"}) {
      assertThatThrownBy(() -> TusHeaders.number("Upload-Offset", bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Upload-Offset");
    }
    assertThatThrownBy(() -> TusHeaders.number("Upload-Offset", "9223372036854775808")).hasMessageContaining("too large");
  }

  @Test
  void checksumsNameASupportedAlgorithmAndABase64Digest() throws Exception {
    TusHeaders.Checksum c = TusHeaders.checksum("SHA1 " + Base64.getEncoder().encodeToString(new byte[20]));
    assertThat(c.algorithm()).isEqualTo("sha1");
    assertThat(c.expected()).hasSize(20);
    assertThat(c.digest().getAlgorithm()).isEqualTo("SHA-1");
    assertThat(TusHeaders.checksum("sha256 AAAA").digest().getAlgorithm()).isEqualTo("SHA-256");
    assertThat(TusHeaders.checksum("md5 AAAA").digest().getAlgorithm()).isEqualTo("MD5");
    assertThat(TusHeaders.checksum(null)).isNull();
    assertThatThrownBy(() -> TusHeaders.checksum("crc32 AAAA")).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("sha1,sha256,md5");
    assertThatThrownBy(() -> TusHeaders.checksum("sha1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TusHeaders.checksum("sha1 !!")).hasMessageContaining("not Base64");
  }

  @Test
  void sha256IsSixtyFourHexDigits() {
    String h = "AB".repeat(32);
    assertThat(TusHeaders.sha256(h)).isEqualTo("ab".repeat(32));
    assertThat(TusHeaders.sha256(null)).isNull();
    assertThatThrownBy(() -> TusHeaders.sha256("ab".repeat(31))).hasMessageContaining("64 hex");
    assertThatThrownBy(() -> TusHeaders.sha256("zz".repeat(32))).hasMessageContaining("64 hex");
  }

  @Test
  void datesAreHttpDates() {
    assertThat(TusHeaders.date(Instant.parse("2014-06-25T16:00:00Z"))).isEqualTo("Wed, 25 Jun 2014 16:00:00 GMT");
  }
}
