package dev.parley.files.tus;

import java.security.SecureRandom;
import java.util.Base64;

/** Random ids of uploads and files: 128 bits, URL-safe, not guessable. */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  static String upload() {
    return random();
  }

  static String file() {
    return "f" + random();
  }

  private static String random() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
