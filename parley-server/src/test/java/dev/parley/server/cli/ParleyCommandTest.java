package dev.parley.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.auth.TokenService;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.kernel.Kernel;
import dev.parley.server.Modules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** The command line run in-process: what each command prints on stdout and stderr, and its exit code. */
class ParleyCommandTest {
  @TempDir
  Path dir;

  /** One run: exit code, stdout, stderr. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ParleyCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private String dataDir() {
    return "--data.dir=" + dir.resolve("data");
  }

  @Test
  void versionIsACommandAndAnOptionAndNamesVersionCommitAndBuildTime() {
    Run command = run("version");
    assertThat(command.code()).isZero();
    assertThat(command.out()).containsPattern("(?m)^parley 0\\.\\d+\\.\\d+")
        .containsPattern("(?m)^commit ([0-9a-f]{7,}(-dirty)?|unknown)$")
        .containsPattern("(?m)^built  \\d{4}-\\d\\d-\\d\\dT");
    assertThat(command.err()).isEmpty();
    assertThat(run("--version").out()).isEqualTo(command.out());
  }

  @Test
  void tokenPrintsOnlyTheTokenAndItVerifiesWithTheGeneratedSecret() throws Exception {
    Run r = run("token", "-u", "alice", "--ttl", "2h", dataDir());
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\R");
    String secret = Files.readString(dir.resolve("data/jwt.secret")).trim();
    TokenService tokens = new TokenService(secret, Map.of(), null, Duration.ZERO, Clock.systemUTC());
    var t = tokens.verify(r.out().trim());
    assertThat(t.userId()).isEqualTo("alice");
    assertThat(Duration.between(java.time.Instant.now(), t.expiresAt()).toMinutes()).isBetween(118L, 120L);
  }

  @Test
  void aBadTtlOrUserIsAUsageErrorWithoutAStackTrace() {
    Run banana = run("token", "-u", "alice", "--ttl", "banana", dataDir());
    assertThat(banana.code()).isEqualTo(2);
    assertThat(banana.out()).isEmpty();
    assertThat(banana.err()).contains("Invalid value for option '--ttl': 'banana' is not a duration (like 30m, 24h, 7d)")
        .doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run("token", "-u", "alice", "--ttl", "0s", dataDir()).err()).contains("longer than zero");
    Run user = run("token", "-u", "a:b", dataDir());
    assertThat(user.code()).isEqualTo(2);
    assertThat(user.err()).contains("'a:b' is not a user id").doesNotContain("\tat ");
  }

  @Test
  void configShowsWhereAGeneratedSecretIs() throws IOException {
    Run before = run("config", dataDir());
    Path admin = dir.resolve("data/admin.secret").toAbsolutePath();
    assertThat(before.out()).contains("admin.secret: (unset: generated into " + admin + " at the first start)    # default");
    Files.createDirectories(admin.getParent());
    Files.writeString(admin, "generated-secret-value\n");
    Run after = run("config", dataDir());
    assertThat(after.code()).isZero();
    assertThat(after.out()).contains("admin.secret: (generated, in " + admin + ")    # default")
        .doesNotContain("admin.secret: \"\"").doesNotContain("generated-secret-value");
    assertThat(run("config", dataDir(), "--admin.secret=given-secret").out()).contains("admin.secret: ****    # flag");
  }

  @Test
  void aConfigErrorExitsTwoAndAPortInUseExitsThreeNamingThePort() throws IOException {
    Run bad = run("start", "--http.prot=1", dataDir());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("invalid configuration").contains("unknown key 'http.prot'");

    List<String> args = new ArrayList<>(List.of("start", dataDir()));
    for (ConfigKey<?> key : Kernel.schema(Modules.discover()).keys()) {
      if (key.name().endsWith(".port")) {
        args.add("--" + key.name() + "=0");
      } else if (key.name().endsWith(".host")) {
        args.add("--" + key.name() + "=127.0.0.1");
      }
    }
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      args.add("--http.port=" + taken.getLocalPort());
      Run inUse = run(args.toArray(String[]::new));
      assertThat(inUse.code()).isEqualTo(3);
      assertThat(inUse.err()).contains("port " + taken.getLocalPort() + " (http) is already in use")
          .doesNotContain("invalid configuration");
    }
  }

  @Test
  void helpNeverBreaksAWordOrAPathAcrossLines() {
    CommandLine cli = new CommandLine(new ParleyCommand());
    List<CommandLine> all = new ArrayList<>(List.of(cli));
    all.addAll(cli.getSubcommands().values());
    for (CommandLine c : all) {
      String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
      // Words as the reader sees them: a line break inside one leaves a piece on each line.
      String flowing = " " + help.replaceAll("\\s+", " ") + " ";
      CommandSpec spec = c.getCommandSpec();
      List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
      for (ArgSpec arg : spec.args()) {
        texts.addAll(List.of(arg.description()));
      }
      // The top-level help lists each subcommand with the first line of its description.
      for (CommandLine sub : c.getSubcommands().values()) {
        String[] header = sub.getCommandSpec().usageMessage().header();
        String[] d = header.length > 0 ? header : sub.getCommandSpec().usageMessage().description();
        if (d.length > 0) {
          texts.add(d[0]);
        }
      }
      for (String text : texts) {
        for (String word : text.split("\\s+")) {
          if (word.isEmpty() || word.contains("${") || word.contains("%")) {
            continue;
          }
          assertThat(flowing).as(c.getCommandName() + " help:\n" + help).contains(" " + word + " ");
        }
      }
      for (String line : help.split("\\R")) {
        assertThat(line.length()).as(c.getCommandName() + ": " + line).isLessThanOrEqualTo(80);
      }
    }
  }

  @Test
  void chatWithoutAServerSaysSoInWordsOnStderr() {
    StringWriter sink = new StringWriter();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = new CommandLine(new ChatCommand(java.io.InputStream.nullInputStream(), new java.io.PrintStream(out, true),
        new java.io.PrintStream(err, true), false)).setOut(new PrintWriter(sink)).execute("--user", "erin",
        "--http", "http://127.0.0.1:1", "--state-dir", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("no server at http://127.0.0.1:1 (connection refused)").doesNotContain("null");
  }

  @Test
  void chatWithABrokenTokenNamesTheProblemBeforeConnecting() {
    for (String bad : List.of("garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.eyJpYXQiOjF9.x")) {
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int code = new CommandLine(new ChatCommand(java.io.InputStream.nullInputStream(),
          new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err, true), false))
          .execute("--token", bad, "--http", "http://127.0.0.1:1", "--state-dir", dir.toString());
      assertThat(code).as(bad).isEqualTo(2);
      assertThat(err.toString()).as(bad).contains("parley chat: --token ").contains("./parley token --user")
          .doesNotContainIgnoringCase("jackson").doesNotContain("Unrecognized").doesNotContain("no server");
    }
  }
}
