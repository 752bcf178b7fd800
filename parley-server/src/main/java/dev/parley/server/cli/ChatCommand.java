package dev.parley.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.ClientConfig;
import dev.parley.client.ParleyClient;
import dev.parley.client.chat.ChatOutput;
import dev.parley.client.chat.ChatSession;
import dev.parley.client.store.FileCursorStore;
import dev.parley.protocol.im.Platform;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley chat}: parley-client's terminal chat ({@link ChatSession}) on this process's
 * terminal. On a terminal it edits lines with JLine and prints incoming messages above the prompt;
 * on a pipe it reads lines and prints lines, so scripts can drive it. Here: the options, the dev
 * login and the device id; the chat itself is in {@code dev.parley.client.chat}.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
    description = {"Chat from the terminal as a user (dev login by default).",
        "Type /help inside for the commands; lines without a slash go",
        "to the current conversation."})
final class ChatCommand implements Callable<Integer> {
  /** Held so the level sticks: the SDK's log lines would only clutter the chat. */
  private static final Logger SDK_LOG = Logger.getLogger("dev.parley.client");
  @Option(names = {"-u", "--user"}, paramLabel = "USER",
      description = {"User id to log in as (dev login),", "or the user of --token."})
  String user;

  @Option(names = "--server", paramLabel = "URI", description = {"IM server, one of:", "  tcp://host:7900",
      "  tls://host:7900", "  ws://host:8080/im", "  wss://host/im", "Default: tcp://<host of --http>:7900."})
  URI server;

  @Option(names = "--http", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
      description = {"HTTP base of the server, for the dev login.", "Default: ${DEFAULT-VALUE}"})
  URI http;

  @Option(names = "--token", paramLabel = "JWT", description = {"A token to log in with instead of the dev",
      "login; make one with:", "  ./parley token --user alice"})
  String token;

  @Option(names = "--device", paramLabel = "ID",
      description = {"Device id. Default: one per user, kept in", "the state directory."})
  String device;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = {"Where sync cursors and the device id are", "kept. Default: ~/.parley/chat"})
  Path stateDir;

  @Option(names = "--no-auto-read", negatable = true, defaultValue = "true",
      description = {"Mark messages read as they are shown, so", "senders see read receipts (default on)."})
  boolean autoRead;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean allowTerminal;

  ChatCommand() {
    this(System.in, System.out, System.err, true);
  }

  /** For tests: lines from {@code in}, the chat on {@code out}, why it cannot run on {@code err}; never a terminal. */
  ChatCommand(InputStream in, PrintStream out, PrintStream err, boolean allowTerminal) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.allowTerminal = allowTerminal;
  }

  @Override
  public Integer call() throws Exception {
    if (token == null && user == null) {
      err.println("parley chat: give --user (dev login) or --token");
      return ParleyCommand.CONFIG_ERROR;
    }
    if (token != null) {
      String problem = Jwts.problem(token);
      if (problem != null) {
        err.println("parley chat: --token " + problem + "; ./parley token --user " + (user != null ? user : "<user>")
            + " prints one");
        return ParleyCommand.CONFIG_ERROR;
      }
      if (user == null) {
        user = Jwts.subject(token);
      }
    }
    SDK_LOG.setLevel(Level.WARNING);
    if (server == null) {
      server = URI.create("tcp://" + http.getHost() + ":7900");
    }
    String jwt = token != null ? token : devLogin();
    if (jwt == null) {
      return ParleyCommand.FAILED;
    }
    Path dir = (stateDir != null ? stateDir : Path.of(System.getProperty("user.home"), ".parley", "chat"))
        .resolve(server.getHost() + "_" + Math.max(server.getPort(), 0));
    String deviceId = device != null ? device : deviceId(dir, user);
    ClientConfig config = ClientConfig.builder().server(server).token(jwt).deviceId(deviceId)
        .platform(Platform.PLATFORM_TERMINAL).clientVersion("parley-chat/0.1")
        .cursorStore(new FileCursorStore(dir)).initialSyncRecent(10).build();
    try (ParleyClient client = ParleyClient.create(config)) {
      Console console = allowTerminal && System.console() != null ? new JLineConsole() : new PlainConsole(in, out);
      ChatSession session = new ChatSession(client, user, console, autoRead);
      session.start();
      try {
        String line;
        while ((line = console.read(session)) != null && session.handle(line)) {
          // next line
        }
      } finally {
        if (!session.drain(Duration.ofSeconds(5))) {
          console.line("-- leaving with " + client.pendingSends() + " message(s) not acknowledged");
        }
        console.close();
      }
    }
    return ParleyCommand.OK;
  }

  private String devLogin() throws InterruptedException {
    URI uri = http.resolve("/api/v1/dev/login");
    String body = Jwts.JSON.createObjectNode().put("userId", user).toString();
    HttpResponse<String> r;
    try {
      r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("parley chat: no server at " + http + " (" + why(e) + "); is it running? ./parley start");
      return null;
    }
    JsonNode json = null;
    try {
      json = r.body().isBlank() ? null : Jwts.JSON.readTree(r.body());
    } catch (IOException notJson) {
      json = null;
    }
    if (r.statusCode() == 200 && json != null && json.hasNonNull("token")) {
      return json.get("token").asText();
    }
    String reason = json != null && json.hasNonNull("message") ? json.get("message").asText()
        : "HTTP " + r.statusCode() + (json == null ? ", not a Parley server?" : "");
    err.println("parley chat: dev login refused (" + reason + "); pass --token from ./parley token --user " + user);
    return null;
  }

  /** What went wrong with a connection, in words (the JDK's exceptions often carry no message). */
  private static String why(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
        return "no answer in time";
      }
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  /** A device id per user and state directory, made once, so reruns are the same device. */
  private static String deviceId(Path dir, String user) throws IOException {
    Path file = dir.resolve("device-" + user.replaceAll("[^A-Za-z0-9_.-]", "_"));
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    Files.createDirectories(dir);
    String id = "terminal-" + UUID.randomUUID().toString().substring(0, 8);
    Files.writeString(file, id, StandardCharsets.UTF_8);
    return id;
  }

  /** Where lines come from and go to. */
  private interface Console extends ChatOutput, AutoCloseable {
    /** The next line typed, or null at the end of input. */
    String read(ChatSession session) throws IOException;

    @Override
    void close() throws IOException;
  }

  /** A pipe or a file: plain lines. */
  private static final class PlainConsole implements Console {
    private final BufferedReader reader;
    private final PrintStream out;

    PlainConsole(InputStream in, PrintStream out) {
      this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      this.out = out;
    }

    @Override
    public String read(ChatSession session) throws IOException {
      return reader.readLine();
    }

    @Override
    public synchronized void line(String text) {
      out.println(text);
      out.flush();
    }

    @Override
    public void close() {
      out.flush();
    }
  }

  /** A terminal: line editing, history, and events printed above the line being typed. */
  private static final class JLineConsole implements Console {
    private final Terminal terminal;
    private final LineReader reader;
    private ChatSession session;

    JLineConsole() throws IOException {
      terminal = TerminalBuilder.builder().system(true).build();
      reader = LineReaderBuilder.builder().terminal(terminal).appName("parley").build();
      // Typing tells the others (the session throttles it).
      reader.getWidgets().put(LineReader.SELF_INSERT, () -> {
        if (session != null) {
          session.typing();
        }
        return reader.getBuiltinWidgets().get(LineReader.SELF_INSERT).apply();
      });
    }

    @Override
    public String read(ChatSession s) {
      session = s;
      try {
        return reader.readLine(s.prompt());
      } catch (UserInterruptException | EndOfFileException e) {
        return null;
      }
    }

    @Override
    public void line(String text) {
      reader.printAbove(text);
    }

    @Override
    public void close() throws IOException {
      terminal.close();
    }
  }
}
