package dev.parley.core.auth;

import java.time.Instant;
import java.util.Map;

/**
 * A token whose signature, expiry and subject checked out.
 *
 * @param userId the {@code sub} claim
 * @param expiresAt the {@code exp} claim
 * @param claims every claim, for modules that read their own (stream names, roles)
 */
public record VerifiedToken(String userId, Instant expiresAt, Map<String, Object> claims) {}
