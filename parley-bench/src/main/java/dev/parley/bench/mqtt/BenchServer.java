package dev.parley.bench.mqtt;

import dev.parley.core.config.Config;
import dev.parley.core.kernel.Kernel;
import dev.parley.core.spi.ParleyModule;
import dev.parley.mqtt.MqttModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Parley with only the MQTT module, for benchmarks: {@code BenchServer <port>}. Prints
 * {@code READY} when the listener is bound and runs until killed.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path data = Files.createTempDirectory("parley-bench-");
    List<ParleyModule> modules = List.of(new MqttModule());
    Config config = Config.builder(Kernel.schema(modules))
        .set("data.dir", data.toString())
        .set("log.level", System.getProperty("bench.log", "warn"))
        .set("http.host", "127.0.0.1").set("http.port", "0")
        .set("mqtt.host", "127.0.0.1").set("mqtt.port", String.valueOf(port))
        // The load generator holds every connection from one address.
        .set("mqtt.max-connections-per-ip", "0")
        .set("store.sqlite.synchronous", "normal")
        // Every topic open to the anonymous load generator, as in the Mosquitto run.
        .set("mqtt.acl", "allow all any #")
        .build();
    Kernel kernel = Kernel.start(config, modules);
    Runtime.getRuntime().addShutdownHook(new Thread(kernel::stop));
    System.out.println("READY " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.currentThread().join();
  }
}
