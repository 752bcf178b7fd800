package dev.parley.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real third-party server (PostgreSQL, Redis, ...) that a test starts as a process of its own on
 * an ephemeral loopback port with a temporary data directory, and stops after. Every process still
 * running when the JVM exits is killed, so a crashed test run leaves nothing behind.
 */
public abstract class ExternalServer implements AutoCloseable {
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
        "external-server-reaper"));
  }

  /** System property naming a directory the servers' logs are copied to when they close. */
  public static final String KEEP_LOGS = "parley.test.logs";

  protected final Path dir;
  protected final int port;
  private Process process;
  private final Path log;

  protected ExternalServer(String name) {
    try {
      this.dir = Files.createTempDirectory("parley-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.port = freePort();
    this.log = dir.resolve(name + ".log");
  }

  /** The command line that runs the server in the foreground. */
  protected abstract List<String> command();

  /** Whether the server answers (called until true after each start). */
  protected abstract boolean ready();

  /** Runs once before the first start (initdb and the like). */
  protected void prepare() {
  }

  /**
   * Asks the running {@code process} to stop gracefully; {@link #stop()} then waits for it. SIGTERM
   * unless the server has a better way (one that does not wait for its clients to leave).
   */
  protected void terminate(Process process) {
    process.destroy();
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dir;
  }

  /** Starts the process and waits until it answers. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    if (process == null) {
      prepare();
    }
    try {
      process = new ProcessBuilder(command()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command().get(0), e);
    }
    RUNNING.add(process);
    Process started = process;
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
        if (!started.isAlive()) {
          throw new IllegalStateException(getClass().getSimpleName() + " exited at start: " + tail());
        }
        return ready();
      });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(getClass().getSimpleName() + " did not answer within 60 s: " + tail(), e);
    }
  }

  /** Stops the process gracefully (see {@link #terminate}) and waits for it; {@link #start} starts it again. */
  public synchronized void stop() {
    end(false);
  }

  /** Kills the process (SIGKILL), as a crash would. */
  public synchronized void kill() {
    end(true);
  }

  /** Stops and starts again on the same port and data. */
  public synchronized void restart() {
    stop();
    start();
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  private void end(boolean force) {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (force) {
      process.destroyForcibly();
    } else {
      terminate(process);
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(process);
  }

  @Override
  public void close() {
    stop();
    keepLog();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Copies the server's log into the directory named by the system property {@value #KEEP_LOGS},
   * when it is set, so a failed run can be read after its temporary directory is gone.
   */
  private void keepLog() {
    String keep = System.getProperty(KEEP_LOGS);
    if (keep == null || keep.isBlank() || !Files.exists(log)) {
      return;
    }
    try {
      Path to = Files.createDirectories(Path.of(keep));
      Files.copy(log, to.resolve(dir.getFileName() + ".log"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines the server wrote, for error messages. */
  protected String tail() {
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Runs a helper command to completion; its output on failure. */
  protected static void run(List<String> command) {
    exec(command, true);
  }

  /** Runs a helper command to completion and gives its output, whatever its exit. */
  static String output(List<String> command) {
    return exec(command, false);
  }

  private static String exec(List<String> command, boolean mustSucceed) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      boolean ended = p.waitFor(120, TimeUnit.SECONDS);
      if (mustSucceed && (!ended || p.exitValue() != 0)) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether something accepts TCP connections on the port. */
  protected boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** True when the tests run as root, where some servers must drop to their own user. */
  protected static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Prefixes a command with a switch to {@code user} when running as root. */
  protected static List<String> as(String user, List<String> command) {
    if (!root()) {
      return command;
    }
    List<String> c = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    c.addAll(command);
    return c;
  }

  protected static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
