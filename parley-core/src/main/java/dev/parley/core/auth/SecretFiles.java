package dev.parley.core.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Secrets generated on first start into the data directory, readable by the owner only. */
public final class SecretFiles {
  private static final Logger log = LoggerFactory.getLogger(SecretFiles.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretFiles() {}

  /** A random 256-bit secret, base64url without padding (43 characters). */
  public static String randomSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The secret stored in {@code dir/name}, created with a random value if the file is missing. */
  public static String loadOrCreate(Path dir, String name, String what) {
    Path file = dir.resolve(name);
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dir);
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
          Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
          return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        Files.writeString(file, randomSecret() + "\n", StandardCharsets.UTF_8);
        log.info("generated the {} into {}", what, file.toAbsolutePath().normalize());
      } else {
        log.info("{} read from {}", what, file.toAbsolutePath().normalize());
      }
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
