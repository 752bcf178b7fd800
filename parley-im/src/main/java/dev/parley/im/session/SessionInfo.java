package dev.parley.im.session;

/** A session as the admin API lists it. */
public record SessionInfo(String sessionId, String userId, String deviceId, String platform, String transport,
    String remoteAddress, long connectedAt) {}
