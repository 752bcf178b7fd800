package dev.parley.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test-only self-signed certificate for localhost (parley-core's test resources, tls/) as
 * files a server can be configured with, and a client context that trusts it.
 */
public final class TestTls {
  private static Path dir;

  private TestTls() {}

  public static synchronized Path certFile() {
    return file("cert.pem");
  }

  public static synchronized Path keyFile() {
    return file("key.pem");
  }

  private static Path file(String name) {
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("parley-tls-");
        dir.toFile().deleteOnExit();
      }
      Path p = dir.resolve(name);
      if (!Files.exists(p)) {
        try (InputStream in = TestTls.class.getResourceAsStream("/tls/" + name)) {
          Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        p.toFile().deleteOnExit();
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client TLS context that trusts the test certificate. */
  public static SSLContext clientContext() {
    try (InputStream in = Files.newInputStream(certFile())) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
