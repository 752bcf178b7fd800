package dev.parley.core.auth;

import dev.parley.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads PEM public keys ({@code -----BEGIN PUBLIC KEY-----}: RSA, Ed25519, EC) for token verification. */
public final class PublicKeys {
  private PublicKeys() {}

  /** Keys by key id: the file name without its extension. */
  public static Map<String, PublicKey> load(List<String> files) {
    Map<String, PublicKey> out = new LinkedHashMap<>();
    for (String f : files) {
      Path path = Path.of(f);
      String name = path.getFileName().toString();
      String kid = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
      out.put(kid, read(path));
    }
    return out;
  }

  static PublicKey read(Path path) {
    String pem;
    try {
      pem = Files.readString(path);
    } catch (IOException e) {
      throw new ConfigException("auth.jwt.public-keys: " + path + " cannot be read");
    }
    int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
    int end = pem.indexOf("-----END PUBLIC KEY-----");
    if (begin < 0 || end < begin) {
      throw new ConfigException("auth.jwt.public-keys: " + path + " holds no PEM 'PUBLIC KEY' block");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 26, end));
    for (String algorithm : new String[] {"RSA", "Ed25519", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next type
      }
    }
    throw new ConfigException("auth.jwt.public-keys: " + path + " is not an RSA, Ed25519 or EC public key");
  }
}
