package dev.parley.client.store;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Cursors in one small properties file per user under a directory ({@code cursors-<user>.properties}),
 * replaced atomically on each save.
 */
public final class FileCursorStore implements CursorStore {
  private final Path dir;

  public FileCursorStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public Map<String, Long> load(String userId) {
    Map<String, Long> out = new HashMap<>();
    PropertiesFile.read(file(userId)).forEach((k, v) -> {
      try {
        out.put((String) k, Long.parseLong((String) v));
      } catch (NumberFormatException e) {
        // a damaged line: that conversation syncs from its start
      }
    });
    return out;
  }

  @Override
  public void save(String userId, Map<String, Long> cursors) {
    Properties p = new Properties();
    cursors.forEach((k, v) -> p.setProperty(k, Long.toString(v)));
    PropertiesFile.write(file(userId), p, "Parley sync cursors of " + userId);
  }

  private Path file(String userId) {
    return dir.resolve("cursors-" + PropertiesFile.safeName(userId) + ".properties");
  }
}
