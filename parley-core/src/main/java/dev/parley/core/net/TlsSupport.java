package dev.parley.core.net;

import dev.parley.core.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Server TLS from a PEM certificate chain and a PEM (PKCS#8) private key. */
public final class TlsSupport {
  private TlsSupport() {}

  /** Builds a server context, or fails with a config error that names the file at fault. */
  public static SslContext serverContext(Path certFile, Path keyFile, String keyPassword, String... alpn) {
    if (certFile == null || keyFile == null) {
      throw new ConfigException("TLS is enabled but tls.cert-file and tls.key-file are not both set");
    }
    for (Path p : new Path[] {certFile, keyFile}) {
      if (!Files.isReadable(p)) {
        throw new ConfigException("TLS file " + p + " cannot be read");
      }
    }
    try {
      SslContextBuilder b = SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile(), keyPassword);
      return b.build();
    } catch (Exception | Error e) {
      throw new ConfigException("TLS files " + certFile + " / " + keyFile + " are not a usable PEM certificate "
          + "and PKCS#8 key: " + e.getMessage());
    }
  }
}
