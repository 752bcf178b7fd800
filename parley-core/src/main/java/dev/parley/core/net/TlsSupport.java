package dev.parley.core.net;

import dev.parley.core.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/** Server TLS from a PEM certificate chain and a PEM (PKCS#8) private key; client TLS trusting such a chain. */
public final class TlsSupport {
  private TlsSupport() {}

  /**
   * Builds a server context, or fails with a config error that names the file at fault: unreadable,
   * not PEM, or a key that does not belong to the certificate (which would otherwise fail only at the
   * first handshake).
   */
  public static SslContext serverContext(Path certFile, Path keyFile, String keyPassword, String... alpn) {
    if (certFile == null || keyFile == null) {
      throw new ConfigException("TLS is enabled but tls.cert-file and tls.key-file are not both set");
    }
    readable(certFile);
    readable(keyFile);
    X509Certificate[] chain = chain(certFile);
    PrivateKey key;
    try {
      key = Pem.privateKey(keyFile, keyPassword);
    } catch (Exception e) {
      throw new ConfigException("tls.key-file " + keyFile + " is not a PEM (PKCS#8) private key"
          + (keyPassword == null ? "" : " that tls.key-password opens") + ": " + reason(e));
    }
    if (!belongsTo(key, chain[0].getPublicKey())) {
      throw new ConfigException("tls.key-file " + keyFile + " is not the private key of the certificate in "
          + certFile + " (" + chain[0].getSubjectX500Principal().getName() + ")");
    }
    try {
      return SslContextBuilder.forServer(key, keyPassword, chain).build();
    } catch (Exception | Error e) {
      throw new ConfigException("TLS files " + certFile + " / " + keyFile + " are not a usable PEM certificate "
          + "and PKCS#8 key: " + reason(e));
    }
  }

  /**
   * A client context that trusts the certificates in {@code trustFile} (PEM: a self-signed
   * certificate, or a chain whose CA issued the peer's) and checks, as HTTPS does, that the peer's
   * certificate names the host it was reached by. Fails with a config error naming the file.
   */
  public static SslContext clientContext(Path trustFile) {
    if (trustFile == null) {
      throw new ConfigException("TLS is enabled but tls.cert-file is not set");
    }
    readable(trustFile);
    X509Certificate[] chain = chain(trustFile);
    try {
      return SslContextBuilder.forClient().trustManager(chain).endpointIdentificationAlgorithm("HTTPS").build();
    } catch (Exception | Error e) {
      throw new ConfigException("tls.cert-file " + trustFile + " is not a usable certificate chain: " + reason(e));
    }
  }

  private static void readable(Path file) {
    if (!Files.isReadable(file)) {
      throw new ConfigException("TLS file " + file + " cannot be read");
    }
  }

  /** The certificates in {@code certFile}, at least one, or a config error naming the file. */
  private static X509Certificate[] chain(Path certFile) {
    X509Certificate[] chain;
    try {
      chain = Pem.certificates(certFile);
    } catch (Exception e) {
      throw new ConfigException("tls.cert-file " + certFile + " is not a PEM certificate chain: " + reason(e));
    }
    if (chain.length == 0) {
      throw new ConfigException("tls.cert-file " + certFile + " holds no certificate");
    }
    return chain;
  }

  /** Whether {@code key} signs what {@code publicKey} verifies (a key of another pair does not). */
  static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      // A kind of key this check does not know: the handshake will tell.
      return true;
    }
    try {
      byte[] probe = "parley tls key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** Netty's own PEM reading (what the context would use), reached through its protected helpers. */
  private abstract static class Pem extends SslContext {
    static X509Certificate[] certificates(Path file) throws Exception {
      return toX509Certificates(file.toFile());
    }

    static PrivateKey privateKey(Path file, String password) throws Exception {
      return toPrivateKey(file.toFile(), password);
    }
  }
}
