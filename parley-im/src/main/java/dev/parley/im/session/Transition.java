package dev.parley.im.session;

/** A user came online (first session) or went offline (last session gone). */
public record Transition(String user, boolean online) {}
