package dev.parley.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version, commit and build time the build wrote into {@code build-info.properties}. */
final class VersionProvider implements IVersionProvider {
  static final String RESOURCE = "build-info.properties";

  @Override
  public String[] getVersion() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = p.getProperty("version", VersionProvider.class.getPackage().getImplementationVersion());
    return new String[] {
        "parley " + (version == null ? "(development build)" : version),
        "commit " + p.getProperty("commit", "unknown"),
        "built  " + p.getProperty("built", "unknown")};
  }
}
