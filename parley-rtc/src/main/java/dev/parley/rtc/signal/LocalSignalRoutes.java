package dev.parley.rtc.signal;

import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.spi.ImGateway.SessionListener;
import java.util.List;

/** {@link SignalRoutes} of one node: the sessions the IM gateway holds here. */
public final class LocalSignalRoutes implements SignalRoutes {
  private final ImGateway gateway;

  public LocalSignalRoutes(ImGateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public List<ImSession> sessionsOf(String user) {
    return gateway.sessions(user);
  }

  @Override
  public void addSessionListener(SessionListener listener) {
    gateway.addSessionListener(listener);
  }
}
