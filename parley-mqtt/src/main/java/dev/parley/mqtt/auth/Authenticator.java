package dev.parley.mqtt.auth;

import dev.parley.core.auth.TokenException;
import dev.parley.core.auth.TokenService;
import dev.parley.core.config.ConfigException;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.protocol.Ids;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Checks CONNECT credentials: a static device (name and password from config), or a Parley token
 * as the password (the user name, when given, must be the token's user id), or no credentials at
 * all where anonymous access is allowed. Token checks are a signature check, cheap enough for the
 * event loop.
 */
public final class Authenticator {
  private final TokenService tokens;
  private final Map<String, byte[]> deviceHashes = new HashMap<>();
  private final boolean anonymousLoopback;
  private final boolean anonymous;

  /** Outcome of a check: an identity, or the MQTT 5 reason code to refuse with. */
  public record Result(Identity identity, int reasonCode, String reason) {
    static Result ok(Identity id) {
      return new Result(id, ReasonCode.SUCCESS, null);
    }

    static Result refused(int code, String why) {
      return new Result(null, code, why);
    }
  }

  public Authenticator(TokenService tokens, List<String> devices, boolean anonymousLoopback, boolean anonymous) {
    this.tokens = tokens;
    this.anonymousLoopback = anonymousLoopback;
    this.anonymous = anonymous;
    for (String d : devices) {
      int colon = d.indexOf(':');
      if (colon <= 0) {
        throw new ConfigException("mqtt.auth.devices: '" + d.split(":")[0] + "...' is not name:password");
      }
      String name = d.substring(0, colon);
      String secret = d.substring(colon + 1);
      if (!Ids.isValidUser(name)) {
        throw new ConfigException("mqtt.auth.devices: device name '" + name + "' is not a valid user id");
      }
      byte[] hash;
      if (secret.startsWith("sha256:")) {
        try {
          hash = HexFormat.of().parseHex(secret.substring(7));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("mqtt.auth.devices: device " + name + " has a malformed sha256 hex");
        }
        if (hash.length != 32) {
          throw new ConfigException("mqtt.auth.devices: device " + name + " sha256 must be 64 hex digits");
        }
      } else {
        hash = sha256(secret.getBytes(StandardCharsets.UTF_8));
      }
      deviceHashes.put(name, hash);
    }
  }

  public Result authenticate(String username, byte[] password, InetAddress remote) {
    if (password == null) {
      boolean loopback = remote != null && remote.isLoopbackAddress();
      if (anonymous || (anonymousLoopback && loopback)) {
        return Result.ok(Identity.ANONYMOUS);
      }
      return username == null ? Result.refused(ReasonCode.NOT_AUTHORIZED, "credentials required")
          : Result.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "password required");
    }
    if (username != null) {
      byte[] expected = deviceHashes.get(username);
      if (expected != null) {
        return MessageDigest.isEqual(expected, sha256(password))
            ? Result.ok(new Identity(username, Identity.Kind.DEVICE))
            : Result.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad device credentials");
      }
    }
    try {
      String userId = tokens.verify(new String(password, StandardCharsets.UTF_8)).userId();
      if (username != null && !username.isEmpty() && !username.equals(userId)) {
        return Result.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "user name is not the token's user");
      }
      return Result.ok(new Identity(userId, Identity.Kind.USER));
    } catch (TokenException e) {
      return Result.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "token refused: " + e.getMessage());
    }
  }

  private static byte[] sha256(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
