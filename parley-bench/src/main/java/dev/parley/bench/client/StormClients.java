package dev.parley.bench.client;

import dev.parley.client.Backoff;
import dev.parley.client.ClientConfig;
import dev.parley.client.ClientRuntime;
import dev.parley.client.ConnectionState;
import dev.parley.client.ParleyClient;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.core.auth.TokenService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One process of storm clients: {@code count} SDK clients on one runtime (two I/O threads), each
 * its own user, with the SDK's default reconnect policy but for the jitter under test. It reports
 * to the orchestrator on stdout ({@code STAT online attempts} five times a second) and answers
 * {@code REPORT since} with the wall-clock times of every login since then; {@code EXIT} ends it.
 *
 * <p>Usage: {@code StormClients <port> <first> <count> <secret> <jitter>}
 */
public final class StormClients {
  /** Held so the level sticks: thousands of clients would each log their kicks and reconnects. */
  private static final Logger SDK_LOG = Logger.getLogger("dev.parley.client");
  private final List<Long> logins = new ArrayList<>();
  private final AtomicInteger online = new AtomicInteger();
  private final AtomicLong attempts = new AtomicLong();

  private StormClients() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int first = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    String secret = args[3];
    double jitter = Double.parseDouble(args[4]);
    new StormClients().run(port, first, count, secret, jitter);
  }

  private void run(int port, int first, int count, String secret, double jitter) throws Exception {
    SDK_LOG.setLevel(Level.WARNING);
    TokenService tokens = new TokenService(secret, Map.of(), null, Duration.ofSeconds(30), Clock.systemUTC());
    ClientRuntime runtime = ClientRuntime.builder().ioThreads(2).name("storm").build();
    List<ParleyClient> clients = new ArrayList<>(count);
    Thread stats = new Thread(() -> {
      while (true) {
        System.out.println("STAT " + online.get() + " " + attempts.get());
        System.out.flush();
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "stats");
    stats.setDaemon(true);
    stats.start();
    for (int i = first; i < first + count; i++) {
      ParleyClient c = ParleyClient.create(ClientConfig.builder().server("tcp://127.0.0.1:" + port)
          .token(tokens.mint("storm" + i, Duration.ofHours(6))).deviceId("bench").runtime(runtime)
          .heartbeat(HeartbeatPolicy.fixed(Duration.ofMinutes(2)))
          .backoff(Backoff.defaults().withJitter(jitter)).build());
      boolean[] up = new boolean[1];
      // Connection events of every client come on the runtime's one callback thread, in order.
      c.onConnection(e -> {
        if (e.state() == ConnectionState.ONLINE) {
          up[0] = true;
          online.incrementAndGet();
          synchronized (logins) {
            logins.add(System.currentTimeMillis());
          }
        } else {
          if (up[0]) {
            up[0] = false;
            online.decrementAndGet();
          }
          if (e.state() == ConnectionState.CONNECTING) {
            attempts.incrementAndGet();
          }
        }
      });
      clients.add(c);
      c.connect();
      if ((i - first) % 250 == 249) {
        // Ramp up in steps the server takes in its stride: the first logins are not what is measured.
        int target = i - first + 1;
        long until = System.nanoTime() + 30_000_000_000L;
        while (online.get() < target && System.nanoTime() < until) {
          Thread.sleep(20);
        }
      }
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("REPORT ")) {
        long since = Long.parseLong(line.substring(7).trim());
        StringBuilder b = new StringBuilder("LOGINS");
        synchronized (logins) {
          for (long t : logins) {
            if (t >= since) {
              b.append(' ').append(t);
            }
          }
        }
        System.out.println(b);
        System.out.flush();
      } else if (line.equals("EXIT")) {
        break;
      }
    }
    stats.interrupt();
    clients.forEach(ParleyClient::close);
    runtime.close();
  }
}
