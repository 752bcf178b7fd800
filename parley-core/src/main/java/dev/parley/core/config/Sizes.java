package dev.parley.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as written in config: {@code 1024}, {@code 64KiB}, {@code 4MiB}, {@code 1GiB} (KB/MB/GB mean the same). */
public final class Sizes {
  private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*([kmg]i?b?|b)?\\s*", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  public static long parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(text + " is not a size (like 65536, 64KiB, 4MiB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    switch (unit.charAt(0)) {
      case 'k':
        return n << 10;
      case 'm':
        return n << 20;
      case 'g':
        return n << 30;
      default:
        return n;
    }
  }

  public static String format(long bytes) {
    if (bytes != 0 && bytes % (1 << 30) == 0) {
      return (bytes >> 30) + "GiB";
    }
    if (bytes != 0 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes != 0 && bytes % (1 << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return String.valueOf(bytes);
  }
}
