package dev.parley.client.store;

import dev.parley.client.heartbeat.HeartbeatMemory;
import java.nio.file.Path;
import java.util.Properties;

/** Settled heartbeat intervals per network in one properties file. */
public final class FileHeartbeatMemory implements HeartbeatMemory {
  private final Path file;

  public FileHeartbeatMemory(Path file) {
    this.file = file;
  }

  @Override
  public synchronized Long load(String networkId) {
    String v = PropertiesFile.read(file).getProperty(networkId);
    try {
      return v == null ? null : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public synchronized void save(String networkId, long intervalMillis) {
    Properties p = PropertiesFile.read(file);
    p.setProperty(networkId, Long.toString(intervalMillis));
    PropertiesFile.write(file, p, "Parley heartbeat intervals per network");
  }
}
