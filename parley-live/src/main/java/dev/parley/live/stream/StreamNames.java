package dev.parley.live.stream;

import java.util.regex.Pattern;

/**
 * The rule for application and stream names: 1 to 128 of {@code A-Z a-z 0-9 _ . ~ -}, and not
 * {@code .} or {@code ..}. Names become URL path segments and file names, so a name that is a
 * path step of its own is refused.
 */
public final class StreamNames {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.~-]{1,128}");
  /** What a client is told when its name is refused. */
  public static final String RULE = "1-128 of A-Z a-z 0-9 _ . ~ -, not . or ..";

  private StreamNames() {}

  /** Whether {@code name} may be an application or stream name. */
  public static boolean valid(String name) {
    return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }
}
