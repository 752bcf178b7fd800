package dev.parley.mqtt.topic;

/** Rules of topic names and filters (MQTT section 4.7) and shared subscriptions (4.8.2). */
public final class Topics {
  private Topics() {}

  public static final String SHARE_PREFIX = "$share/";

  /** Number of levels of a name or filter ({@code a/b/c} has 3). */
  public static int levels(String topic) {
    int n = 1;
    for (int i = 0; i < topic.length(); i++) {
      if (topic.charAt(i) == '/') {
        n++;
      }
    }
    return n;
  }

  /** Whether {@code name} is a valid topic name to publish to: not empty, no wildcards. */
  public static boolean isValidName(String name) {
    return !name.isEmpty() && name.indexOf('+') < 0 && name.indexOf('#') < 0;
  }

  /** Whether {@code filter} is a valid (non-shared) topic filter. */
  public static boolean isValidFilter(String filter) {
    int len = filter.length();
    if (len == 0) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      char c = filter.charAt(i);
      if (c == '+' || c == '#') {
        boolean startOfLevel = i == 0 || filter.charAt(i - 1) == '/';
        boolean endOfLevel = i == len - 1 || filter.charAt(i + 1) == '/';
        if (!startOfLevel || !endOfLevel || (c == '#' && i != len - 1)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether {@code filter} contains a wildcard. */
  public static boolean hasWildcard(String filter) {
    return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
  }

  public static boolean isShared(String filter) {
    return filter.startsWith(SHARE_PREFIX);
  }

  /**
   * A parsed {@code $share/{group}/{filter}}, or null when {@code filter} is not shared.
   *
   * @throws IllegalArgumentException when it starts with {@code $share/} but is not well formed
   */
  public static Shared parseShared(String filter) {
    if (!isShared(filter)) {
      return null;
    }
    int slash = filter.indexOf('/', SHARE_PREFIX.length());
    if (slash < 0) {
      throw new IllegalArgumentException("shared subscription without a topic filter");
    }
    String group = filter.substring(SHARE_PREFIX.length(), slash);
    String inner = filter.substring(slash + 1);
    if (group.isEmpty() || group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
      throw new IllegalArgumentException("invalid share name '" + group + "'");
    }
    if (!isValidFilter(inner)) {
      throw new IllegalArgumentException("invalid topic filter in shared subscription");
    }
    return new Shared(group, inner);
  }

  /** A shared subscription's group and the filter it shares. */
  public record Shared(String group, String filter) {}

  /** Whether topic name {@code topic} matches {@code filter} (wildcards at the root never match {@code $} topics). */
  public static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
      return false;
    }
    int f = 0;
    int t = 0;
    int fl = filter.length();
    int tl = topic.length();
    while (f < fl) {
      char c = filter.charAt(f);
      if (c == '#') {
        return true;
      }
      if (c == '+') {
        int slash = topic.indexOf('/', t);
        t = slash < 0 ? tl : slash;
        f++;
      } else {
        int fEnd = filter.indexOf('/', f);
        fEnd = fEnd < 0 ? fl : fEnd;
        int tEnd = topic.indexOf('/', t);
        tEnd = tEnd < 0 ? tl : tEnd;
        if (fEnd - f != tEnd - t || !filter.regionMatches(f, topic, t, fEnd - f)) {
          return false;
        }
        f = fEnd;
        t = tEnd;
      }
      // Both at a '/' or at the end.
      if (f == fl) {
        return t == tl;
      }
      if (t == tl) {
        // "a/#" matches "a": the rest of the filter must be exactly "/#".
        return filter.length() - f == 2 && filter.endsWith("/#");
      }
      f++;
      t++;
    }
    return t == tl;
  }

  /**
   * Whether every topic {@code inner} can match is also matched by {@code outer} (for checking a
   * subscription against an access rule).
   */
  public static boolean covers(String outer, String inner) {
    String[] o = outer.split("/", -1);
    String[] in = inner.split("/", -1);
    for (int i = 0; i < o.length; i++) {
      if (o[i].equals("#")) {
        return !(i == 0 && in[0].startsWith("$"));
      }
      if (i >= in.length) {
        return false;
      }
      if (in[i].equals("#")) {
        return false;
      }
      if (o[i].equals("+")) {
        if (i == 0 && in[0].startsWith("$")) {
          return false;
        }
        continue;
      }
      if (in[i].equals("+") || !o[i].equals(in[i])) {
        return false;
      }
    }
    return o.length == in.length;
  }
}
