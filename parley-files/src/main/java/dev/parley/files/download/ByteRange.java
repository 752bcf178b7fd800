package dev.parley.files.download;

/**
 * One byte range of a {@code Range} header (RFC 9110 14.1.2): {@code bytes=first-last},
 * {@code bytes=first-} or {@code bytes=-suffix}, clipped to the file. A header naming several
 * ranges, or another unit, or malformed, is ignored (the whole file is sent, as the RFC allows);
 * a range wholly past the end is {@link #UNSATISFIABLE}.
 */
record ByteRange(long start, long length) {
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  /** The range {@code header} asks of a file of {@code size} bytes, or null for the whole file. */
  static ByteRange parse(String header, long size) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      return null;
    }
    String spec = header.substring(6).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String first = spec.substring(0, dash).strip();
      String last = spec.substring(dash + 1).strip();
      if (first.isEmpty()) {
        long suffix = Long.parseLong(last);
        if (suffix <= 0) {
          return suffix == 0 ? UNSATISFIABLE : null;
        }
        long n = Math.min(suffix, size);
        return n == 0 ? UNSATISFIABLE : new ByteRange(size - n, n);
      }
      long start = Long.parseLong(first);
      long asked = last.isEmpty() ? Long.MAX_VALUE : Long.parseLong(last);
      if (start < 0 || asked < start) {
        return null;
      }
      long end = Math.min(asked, size - 1);
      if (start >= size) {
        return UNSATISFIABLE;
      }
      return new ByteRange(start, end - start + 1);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
