/**
 * Tokens: JWT minting (HS256) and verification (HS256, RS256, EdDSA), public key files, generated
 * secrets. Public API: modules verify tokens through {@link TokenService} ({@code ServerContext.tokens()}).
 */
package dev.parley.core.auth;
