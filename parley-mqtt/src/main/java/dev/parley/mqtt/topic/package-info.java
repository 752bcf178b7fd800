/** Topic names and filters: validation, matching, the subscription trie and the retained-message tree. */
package dev.parley.mqtt.topic;
