package dev.parley.im.testing;

import dev.parley.core.spi.ParleyModule;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.core.time.TimeSource;
import dev.parley.im.ImModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A server with the IM module on ephemeral ports, and the clients a test opened on it. */
public final class ImServer implements AutoCloseable {
  private final TestKernel kernel;
  private final List<ImModule> modules;
  private final List<ImTestClient> clients = new ArrayList<>();

  private ImServer(TestKernel kernel, List<ImModule> modules) {
    this.kernel = kernel;
    this.modules = modules;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static ImServer start() {
    return builder().start();
  }

  public TestKernel kernel() {
    return kernel;
  }

  public int tcpPort() {
    return kernel.port("im-tcp");
  }

  public int httpPort() {
    return kernel.httpPort();
  }

  public String token(String user) {
    return kernel.token(user);
  }

  public HttpTestClient http() {
    return new HttpTestClient(kernel.httpBase());
  }

  /** The IM module the server runs now (the latest that started: a restart makes a new one). */
  public ImModule im() {
    for (int i = modules.size() - 1; i >= 0; i--) {
      if (modules.get(i).directory() != null) {
        return modules.get(i);
      }
    }
    throw new IllegalStateException("the IM module has not started");
  }

  /** How many messages the store holds for one conversation. */
  public long storedMessages(String cid) {
    return kernel.kernel().context().storage().read(c -> {
      try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM im_messages m"
          + " JOIN im_conversations v ON v.id = m.conv WHERE v.cid = ?")) {
        ps.setString(1, cid);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }).join();
  }

  /** A new connection (closed with the server or {@link #closeClients()}). */
  public ImTestClient connect(ImTestClient.Transport transport) {
    ImTestClient c = ImTestClient.connect(transport, tcpPort(), httpPort());
    synchronized (clients) {
      clients.add(c);
    }
    return c;
  }

  /** A new connection logged in as {@code user} on {@code device}. */
  public ImTestClient login(ImTestClient.Transport transport, String user, String device) {
    ImTestClient c = connect(transport);
    if (!c.login(token(user), device).hasLoginOk()) {
      throw new IllegalStateException("login of " + user + " failed");
    }
    return c;
  }

  public void closeClients() {
    synchronized (clients) {
      clients.forEach(ImTestClient::close);
      clients.clear();
    }
  }

  public void restart() {
    closeClients();
    kernel.restart();
  }

  @Override
  public void close() {
    closeClients();
    kernel.close();
  }

  /** Builds an {@link ImServer}. */
  public static final class Builder {
    private final Map<String, Object> config = new LinkedHashMap<>();
    private TimeSource time = TimeSource.system();
    private java.nio.file.Path dataDir;
    private final List<java.util.function.Supplier<ParleyModule>> extra = new ArrayList<>();

    public Builder set(String key, Object value) {
      config.put(key, value);
      return this;
    }

    /** The server's time (a {@code ManualTime} to move timeouts by hand). */
    public Builder time(TimeSource time) {
      this.time = time;
      return this;
    }

    public Builder dataDir(java.nio.file.Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** Another module to run beside IM. */
    public Builder with(java.util.function.Supplier<ParleyModule> module) {
      extra.add(module);
      return this;
    }

    public ImServer start() {
      // Every start (and every look at the config schema) makes fresh modules.
      List<ImModule> made = new CopyOnWriteArrayList<>();
      TestKernel.Builder b = TestKernel.builder(() -> {
        List<ParleyModule> ms = new ArrayList<>();
        ImModule im = new ImModule();
        made.add(im);
        ms.add(im);
        extra.forEach(s -> ms.add(s.get()));
        return ms;
      }).time(time);
      if (dataDir != null) {
        b.dataDir(dataDir);
      }
      config.forEach(b::set);
      return new ImServer(b.start(), made);
    }
  }
}
