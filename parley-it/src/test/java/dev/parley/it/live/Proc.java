package dev.parley.it.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A child process whose output lines are collected; closing it kills it (and its children). */
final class Proc implements AutoCloseable {
  final Process process;
  final List<String> out = new CopyOnWriteArrayList<>();
  final List<String> err = new CopyOnWriteArrayList<>();

  private Proc(Process p) {
    this.process = p;
    pump(p.getInputStream(), out);
    pump(p.getErrorStream(), err);
  }

  static Proc start(List<String> command) throws IOException {
    return new Proc(new ProcessBuilder(command).start());
  }

  private static void pump(java.io.InputStream in, List<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          sink.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "proc-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Waits for the process to end; its exit code, or null if it did not end in time. */
  Integer waitFor(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  String errText() {
    return String.join("\n", err);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
