package dev.parley.core.spi;

import dev.parley.core.config.ConfigKey;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A system of the server (IM, MQTT, live, calls), found with {@link ServiceLoader}. The kernel
 * collects every module's config keys, then starts modules in {@link #order()}; on shutdown it
 * calls {@link #drain()} on each (tell clients to go), then {@link #stop()} in reverse order. A
 * module's store migrates its own schema when the module opens it in {@link #start}
 * ({@code Storage.migrate}).
 */
public interface ParleyModule {
  /** Short name: "im", "mqtt", "live", "rtc". */
  String name();

  /** Lower starts first. IM is 100; modules that use IM's services start after it. */
  default int order() {
    return 500;
  }

  default List<ConfigKey<?>> configKeys() {
    return List.of();
  }

  /**
   * Reads config, registers routes, listeners and services. Listeners are bound by the kernel
   * after every module has started.
   */
  void start(ServerContext context) throws Exception;

  /**
   * The server is going down and no longer accepts connections: tell connected clients (for
   * example, a GoAway so they reconnect to another node) and close them. Must not block long.
   */
  default void drain() {}

  /** Releases what the module holds; the store is still open. */
  default void stop() {}
}
