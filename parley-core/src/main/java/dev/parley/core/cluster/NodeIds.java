package dev.parley.core.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A node's id: configured, or generated on first start and kept in the data directory. */
public final class NodeIds {
  /** The file in {@code data.dir} that keeps a generated id. */
  public static final String FILE = "node.id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private NodeIds() {}

  /** Whether {@code id} is a usable node id: 1-64 of letters, digits, {@code _ . -}, not starting with a sign. */
  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /**
   * The configured id when given, else the one kept in {@code dataDir}, created on first use as
   * {@code node-} and eight random hex digits.
   *
   * @throws IllegalArgumentException when the configured or stored id is not valid
   */
  public static String resolve(String configured, Path dataDir) {
    if (configured != null) {
      return checked(configured, "cluster.node-id");
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        try {
          Files.writeString(Files.createFile(file), "node-" + HexFormat.of().formatHex(b) + "\n",
              StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
          // Another start won the race; read what it wrote.
        }
      }
      return checked(Files.readString(file, StandardCharsets.UTF_8).trim(), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  private static String checked(String id, String where) {
    if (!isValid(id)) {
      throw new IllegalArgumentException(where + ": node id '" + id
          + "' must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
    }
    return id;
  }
}
