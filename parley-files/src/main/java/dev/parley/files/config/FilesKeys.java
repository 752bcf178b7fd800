package dev.parley.files.config;

import dev.parley.core.config.ConfigKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Every configuration key of the files module. */
public final class FilesKeys {
  private FilesKeys() {}

  public static final ConfigKey<Boolean> ENABLED = ConfigKey.bool("files.enabled", true,
      "File uploads (tus 1.0 at /api/v1/files/uploads) and downloads (/api/v1/files/{id}) on the HTTP listener.");
  public static final ConfigKey<Path> DIR = ConfigKey.path("files.dir", null,
      "Where uploads in progress and stored content live on disk. Unset: <data.dir>/files. The nodes of a "
          + "cluster must share it (a network file system), or uploads resume only on the node that began them.");
  public static final ConfigKey<Long> MAX_SIZE = ConfigKey.size("files.max-size", 2L << 30, 1, 1L << 40,
      "Largest file one upload may hold (Tus-Max-Size); a longer Upload-Length is refused with 413.");
  public static final ConfigKey<Long> QUOTA = ConfigKey.size("files.quota-per-user", 10L << 30, 0, 1L << 50,
      "Bytes one user's files and unfinished uploads may take together (0: no quota); beyond it an upload is "
          + "refused with 413. Content stored once for several users counts for each of them.");
  public static final ConfigKey<List<String>> ALLOWED_TYPES = ConfigKey.list("files.allowed-types", List.of(),
      "Content types an upload may declare (its filetype or type metadata), exact or as image/* (empty: any); "
          + "others are refused with 415.");
  public static final ConfigKey<Integer> MAX_UPLOADS = ConfigKey.integer("files.max-uploads-per-user", 16, 1,
      100_000, "Unfinished uploads one user may have at once; one more is refused with 429.");
  public static final ConfigKey<Duration> UPLOAD_EXPIRY = ConfigKey.duration("files.upload-expiry",
      Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(365),
      "An unfinished upload is removed this long after it was created (Upload-Expires), with its bytes.");

  public static List<ConfigKey<?>> all() {
    return List.of(ENABLED, DIR, MAX_SIZE, QUOTA, ALLOWED_TYPES, MAX_UPLOADS, UPLOAD_EXPIRY);
  }
}
