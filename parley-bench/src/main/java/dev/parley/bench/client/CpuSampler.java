package dev.parley.bench.client;

import dev.parley.bench.Procs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples a process's CPU time (user + system, from /proc) every 100 ms; it can switch to
 * another process (the restarted server) and answers CPU use over any interval in % of one core.
 */
final class CpuSampler {
  private final List<long[]> samples = new ArrayList<>();
  private final Thread thread;
  private volatile long pid;
  private volatile boolean stopped;
  /** CPU of processes followed before the current one, so the series stays cumulative. */
  private long carried;
  private long lastSeen;

  CpuSampler(long pid) {
    this.pid = pid;
    thread = new Thread(this::loop, "cpu-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** From now on samples {@code newPid}, counting only what it uses from now (not its start-up). */
  synchronized void follow(long newPid) {
    long base = cpuMillis(newPid);
    carried += lastSeen - base;
    lastSeen = base;
    pid = newPid;
  }

  void stop() throws InterruptedException {
    stopped = true;
    thread.join();
  }

  private void loop() {
    while (!stopped) {
      synchronized (this) {
        lastSeen = Math.max(lastSeen, cpuMillis(pid));
        samples.add(new long[] {System.currentTimeMillis(), carried + lastSeen});
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** CPU time of {@code pid} in ms, or 0 when it is gone. */
  static long cpuMillis(long pid) {
    try {
      return Procs.cpuMillis(pid);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** CPU use between two wall-clock times, in % of one core. */
  synchronized double percent(long from, long to) {
    long[] a = at(from);
    long[] b = at(to);
    if (a == null || b == null || b[0] <= a[0]) {
      return 0;
    }
    return 100.0 * (b[1] - a[1]) / (b[0] - a[0]);
  }

  /** The highest CPU use over any {@code window} ms between two times, in % of one core. */
  synchronized double peakPercent(long from, long to, long window) {
    double peak = 0;
    for (long t = from; t + window <= to; t += 100) {
      peak = Math.max(peak, percent(t, t + window));
    }
    return peak;
  }

  /** The last sample at or before {@code t} (the first if none). */
  private long[] at(long t) {
    long[] best = samples.isEmpty() ? null : samples.get(0);
    for (long[] s : samples) {
      if (s[0] <= t) {
        best = s;
      } else {
        break;
      }
    }
    return best;
  }
}
