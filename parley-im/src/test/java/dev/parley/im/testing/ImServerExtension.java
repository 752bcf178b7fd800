package dev.parley.im.testing;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One IM server per test class: started before the first test, its clients closed after each
 * test, stopped after the last. Use as {@code @RegisterExtension static final ImServerExtension}.
 */
public final class ImServerExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private final UnaryOperator<ImServer.Builder> config;
  private ImServer server;

  public ImServerExtension() {
    this(b -> b);
  }

  public ImServerExtension(UnaryOperator<ImServer.Builder> config) {
    this.config = config;
  }

  public ImServer server() {
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = config.apply(ImServer.builder()).start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    server.closeClients();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }
}
