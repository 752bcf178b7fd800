package dev.parley.im.store;

import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.SendAck;
import java.util.List;
import java.util.Set;

/** What the IM writes answer once committed. */
public final class Outcomes {
  private Outcomes() {}

  /**
   * A send or recall.
   *
   * @param stored the new message, or null when the client id had been stored before (a resend)
   */
  public record Sent(SendAck ack, StoredMessage stored) {}

  /** A group change: the group as it is now (create) and the system messages it wrote. */
  public record GroupChanged(GroupInfo info, List<StoredMessage> messages) {}

  /** A read cursor that moved: who should hear about it. */
  public record ReadMoved(String conversation, String user, long readSeq, Set<String> audience) {}
}
