package dev.parley.protocol;

import java.util.regex.Pattern;

/**
 * User ids and conversation ids. A user id is 1-64 characters of letters, digits and
 * {@code _ . @ -}; conversations are {@code u:{a}:{b}} (direct, a &lt; b), {@code g:{groupId}}
 * and {@code s:{userId}} (system messages to one user).
 */
public final class Ids {
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** The kinds of conversation an id names. */
  public enum Type { DIRECT, GROUP, SYSTEM }

  private Ids() {}

  public static boolean isValidUser(String userId) {
    return userId != null && USER.matcher(userId).matches();
  }

  public static boolean isValidGroup(String groupId) {
    return groupId != null && GROUP.matcher(groupId).matches();
  }

  /** The direct conversation between two users, the same whichever side asks. */
  public static String direct(String a, String b) {
    return a.compareTo(b) <= 0 ? "u:" + a + ":" + b : "u:" + b + ":" + a;
  }

  public static String group(String groupId) {
    return "g:" + groupId;
  }

  public static String system(String userId) {
    return "s:" + userId;
  }

  /** The type of a conversation id, or null when it is not a well-formed one. */
  public static Type typeOf(String conversation) {
    if (conversation == null || conversation.length() < 3 || conversation.charAt(1) != ':') {
      return null;
    }
    String rest = conversation.substring(2);
    switch (conversation.charAt(0)) {
      case 'u': {
        int colon = rest.indexOf(':');
        if (colon < 0) {
          return null;
        }
        String a = rest.substring(0, colon);
        String b = rest.substring(colon + 1);
        return isValidUser(a) && isValidUser(b) && a.compareTo(b) < 0 ? Type.DIRECT : null;
      }
      case 'g':
        return isValidGroup(rest) ? Type.GROUP : null;
      case 's':
        return isValidUser(rest) ? Type.SYSTEM : null;
      default:
        return null;
    }
  }

  /** The two users of a direct conversation id (assumed valid). */
  public static String[] directUsers(String conversation) {
    String rest = conversation.substring(2);
    int colon = rest.indexOf(':');
    return new String[] {rest.substring(0, colon), rest.substring(colon + 1)};
  }

  /** The other user of a direct conversation. */
  public static String peerOf(String conversation, String me) {
    String[] users = directUsers(conversation);
    return users[0].equals(me) ? users[1] : users[0];
  }

  /** The group id of a group conversation id (assumed valid). */
  public static String groupIdOf(String conversation) {
    return conversation.substring(2);
  }
}
