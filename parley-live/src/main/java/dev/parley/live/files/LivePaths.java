package dev.parley.live.files;

import java.nio.file.Path;

/**
 * Where the live module writes: every file (HLS segments, recordings) is resolved against the
 * module's own directory and checked to stay inside it, so a name that slipped past validation
 * ({@code ..}, a separator) can never reach another directory.
 */
public final class LivePaths {
  private LivePaths() {}

  /**
   * {@code base/child}, normalized.
   *
   * @throws IllegalArgumentException when the result is not strictly inside {@code base}
   */
  public static Path under(Path base, String child) {
    Path root = base.toAbsolutePath().normalize();
    Path p = root.resolve(child).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IllegalArgumentException("'" + child + "' leads outside " + root);
    }
    return p;
  }
}
