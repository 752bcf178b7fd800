package dev.parley.mqtt.routing;

/**
 * A {@link MessageRouter.Routed#durable} failure: another node the message went to did not
 * confirm in time that it stored its subscribers' copies. The publisher must not be acknowledged;
 * its connection is closed so that a client with a session sends the message again.
 */
public final class NotConfirmedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotConfirmedException(String message) {
    super(message, null, false, false);
  }
}
