package dev.parley.mqtt.auth;

import dev.parley.core.config.ConfigException;
import dev.parley.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Access rules from config ({@code mqtt.acl}), checked in order; the first rule that applies
 * decides and no rule means deny. A publish applies when the topic matches the rule's filter; a
 * subscription applies when the rule's filter covers every topic the subscription can match.
 * {@code {userId}} and {@code {clientId}} in a filter expand to the client's; a rule naming
 * {@code {userId}} never applies to anonymous clients.
 */
public final class Acl {
  private final List<Rule> rules;

  /** The actions a rule can name. */
  public enum Action { PUBLISH, SUBSCRIBE }

  private record Rule(boolean allow, boolean publish, boolean subscribe, String who, String filter) {}

  public Acl(List<String> specs) {
    List<Rule> out = new ArrayList<>();
    for (String spec : specs) {
      String[] f = spec.trim().split("\\s+");
      if (f.length != 4) {
        throw new ConfigException("mqtt.acl: '" + spec + "' is not '<allow|deny> <publish|subscribe|all> <who> <filter>'");
      }
      String verdict = f[0].toLowerCase(Locale.ROOT);
      String action = f[1].toLowerCase(Locale.ROOT);
      String who = f[2];
      if (!verdict.equals("allow") && !verdict.equals("deny")) {
        throw new ConfigException("mqtt.acl: '" + spec + "': first word must be allow or deny");
      }
      if (!List.of("publish", "subscribe", "all").contains(action)) {
        throw new ConfigException("mqtt.acl: '" + spec + "': action must be publish, subscribe or all");
      }
      if (!List.of("anonymous", "authenticated", "any").contains(who) && !who.startsWith("user:")) {
        throw new ConfigException("mqtt.acl: '" + spec + "': who must be anonymous, authenticated, any or user:ID");
      }
      String probe = f[3].replace("{userId}", "u").replace("{clientId}", "c");
      if (!Topics.isValidFilter(probe)) {
        throw new ConfigException("mqtt.acl: '" + spec + "': '" + f[3] + "' is not a valid topic filter");
      }
      out.add(new Rule(verdict.equals("allow"), !action.equals("subscribe"), !action.equals("publish"), who, f[3]));
    }
    this.rules = List.copyOf(out);
  }

  /** Whether {@code id} (client {@code clientId}) may publish to {@code topic}. */
  public boolean canPublish(Identity id, String clientId, String topic) {
    return decide(id, clientId, Action.PUBLISH, topic);
  }

  /** Whether {@code id} may subscribe to {@code filter} (the inner filter of a shared subscription). */
  public boolean canSubscribe(Identity id, String clientId, String filter) {
    return decide(id, clientId, Action.SUBSCRIBE, filter);
  }

  private boolean decide(Identity id, String clientId, Action action, String topic) {
    for (Rule r : rules) {
      if (action == Action.PUBLISH ? !r.publish : !r.subscribe) {
        continue;
      }
      if (!appliesTo(r.who, id)) {
        continue;
      }
      String filter = r.filter;
      if (filter.contains("{userId}")) {
        if (id.userId() == null) {
          continue;
        }
        filter = filter.replace("{userId}", id.userId());
      }
      if (filter.contains("{clientId}")) {
        if (clientId.indexOf('/') >= 0 || Topics.hasWildcard(clientId)) {
          continue;
        }
        filter = filter.replace("{clientId}", clientId);
      }
      boolean applies = action == Action.PUBLISH ? Topics.matches(filter, topic) : Topics.covers(filter, topic);
      if (applies) {
        return r.allow;
      }
    }
    return false;
  }

  private static boolean appliesTo(String who, Identity id) {
    switch (who) {
      case "any":
        return true;
      case "anonymous":
        return id.anonymous();
      case "authenticated":
        return !id.anonymous();
      default:
        return !id.anonymous() && who.substring(5).equals(id.userId());
    }
  }
}
