package dev.parley.client.chat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the groups this session has seen (from the group list, group answers and the
 * group.created / group.renamed system messages), so groups show as {@code #team} rather than by id.
 */
final class GroupNames {
  private final Map<String, String> names = new ConcurrentHashMap<>();

  void put(String groupId, String name) {
    if (groupId != null && !groupId.isEmpty() && name != null && !name.isBlank()) {
      names.put(groupId, name);
    }
  }

  boolean knows(String groupId) {
    return names.containsKey(groupId);
  }

  /** The name, with the id when another group has the same name; the id while the name is unknown. */
  String label(String groupId) {
    String name = names.get(groupId);
    if (name == null) {
      return groupId;
    }
    for (Map.Entry<String, String> e : names.entrySet()) {
      if (!e.getKey().equals(groupId) && e.getValue().equals(name)) {
        return name + " (" + groupId + ")";
      }
    }
    return name;
  }

  /** The group a user typed: a name this session knows (if only one group has it), else the text as an id. */
  String resolve(String typed) {
    String found = null;
    for (Map.Entry<String, String> e : names.entrySet()) {
      if (e.getValue().equals(typed)) {
        if (found != null) {
          return typed;
        }
        found = e.getKey();
      }
    }
    return found != null && !names.containsKey(typed) ? found : typed;
  }
}
