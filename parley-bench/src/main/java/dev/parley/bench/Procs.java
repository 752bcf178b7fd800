package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What benchmarks read about a process from /proc (Linux): its CPU time and resident memory. */
public final class Procs {
  private Procs() {}

  /** CPU time (user + system, all threads) of {@code pid} in clock ticks of 10 ms. */
  public static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields 14 and 15 of /proc/pid/stat (utime, stime) are 11 and 12 after the command name,
    // which may itself hold spaces, hence the split after its closing parenthesis.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** CPU time of {@code pid} in milliseconds. */
  public static long cpuMillis(long pid) throws IOException {
    return cpuTicks(pid) * 10;
  }

  /** Resident set size of {@code pid} in KiB, or -1 when /proc does not say. */
  public static long rssKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
