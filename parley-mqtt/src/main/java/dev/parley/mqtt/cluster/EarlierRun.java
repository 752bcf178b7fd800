package dev.parley.mqtt.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a cluster node ran before under its id with this data directory (a restart after a
 * kill, a crash or a stop): each run leaves a note there for the next.
 */
public final class EarlierRun {
  private static final Logger log = LoggerFactory.getLogger(EarlierRun.class);

  private EarlierRun() {}

  /** Answers whether an earlier run of node {@code nodeId} left its note in {@code dataDir}, and leaves this run's. */
  public static boolean of(Path dataDir, String nodeId) {
    Path note = dataDir.resolve("mqtt-node-" + nodeId + ".ran");
    if (Files.exists(note)) {
      return true;
    }
    try {
      Files.createDirectories(dataDir);
      Files.writeString(note, "");
    } catch (IOException e) {
      log.warn("MQTT: could not note this run of node {} in {}: {}", nodeId, dataDir, e.toString());
    }
    return false;
  }
}
