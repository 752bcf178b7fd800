package dev.parley.files.tus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The values of the tus 1.0 headers: parsed strictly, each bad one named in the exception's message. */
final class TusHeaders {
  static final String VERSION = "1.0.0";
  static final String EXTENSIONS = "creation,creation-with-upload,expiration,checksum,termination";
  static final String CHECKSUM_ALGORITHMS = "sha1,sha256,md5";
  static final String OCTET_STREAM = "application/offset+octet-stream";
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private TusHeaders() {}

  /**
   * {@code Upload-Metadata}: comma-separated pairs of a key and, after one space, its value in
   * Base64; a key may come without a value. Keys are unique, non-empty, without spaces or commas.
   */
  static Map<String, String> metadata(String header) {
    Map<String, String> out = new LinkedHashMap<>();
    if (header == null || header.isBlank()) {
      return out;
    }
    for (String pair : header.split(",", -1)) {
      String p = pair.strip();
      int space = p.indexOf(' ');
      String key = space < 0 ? p : p.substring(0, space);
      String value = space < 0 ? "" : p.substring(space + 1);
      if (key.isEmpty() || value.indexOf(' ') >= 0) {
        throw new IllegalArgumentException("Upload-Metadata: each pair is a key, a space and a Base64 value");
      }
      try {
        value = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Upload-Metadata: the value of " + key + " is not Base64");
      }
      if (out.put(key, value) != null) {
        throw new IllegalArgumentException("Upload-Metadata: " + key + " given twice");
      }
    }
    return out;
  }

  /** A non-negative decimal number header ({@code Upload-Length}, {@code Upload-Offset}). */
  static long number(String name, String value) {
    if (value == null || value.isEmpty() || value.length() > 19 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(name + " must be a non-negative integer" + (value == null ? "" : ": " + value));
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is too large: " + value);
    }
  }

  /** {@code Upload-Checksum}: an algorithm of {@link #CHECKSUM_ALGORITHMS} and the Base64 of the chunk's digest. */
  record Checksum(String algorithm, byte[] expected) {
    MessageDigest digest() {
      try {
        return MessageDigest.getInstance(switch (algorithm) {
          case "sha1" -> "SHA-1";
          case "sha256" -> "SHA-256";
          default -> "MD5";
        });
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The checksum header, or null when absent; an algorithm not supported fails with {@link UnsupportedOperationException}. */
  static Checksum checksum(String header) {
    if (header == null) {
      return null;
    }
    String h = header.strip();
    int space = h.indexOf(' ');
    if (space <= 0) {
      throw new IllegalArgumentException("Upload-Checksum must be an algorithm, a space and a Base64 digest");
    }
    String algorithm = h.substring(0, space).toLowerCase(Locale.ROOT);
    if (!("," + CHECKSUM_ALGORITHMS + ",").contains("," + algorithm + ",")) {
      throw new UnsupportedOperationException("Upload-Checksum algorithm " + algorithm + " is not supported; use one of "
          + CHECKSUM_ALGORITHMS);
    }
    try {
      return new Checksum(algorithm, Base64.getDecoder().decode(h.substring(space + 1).strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Upload-Checksum: the digest is not Base64");
    }
  }

  /** A SHA-256 given as 64 hex digits (the {@code sha256} metadata of an instant upload), lower-cased. */
  static String sha256(String hex) {
    if (hex == null) {
      return null;
    }
    String h = hex.strip().toLowerCase(Locale.ROOT);
    if (h.length() != 64 || !h.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException("Upload-Metadata: sha256 must be 64 hex digits");
    }
    return h;
  }

  /** An HTTP date ({@code Upload-Expires}). */
  static String date(Instant t) {
    return HTTP_DATE.format(t);
  }
}
