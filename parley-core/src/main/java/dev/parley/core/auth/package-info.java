/** Tokens: JWT minting (HS256) and verification (HS256, RS256, EdDSA), generated secrets. */
package dev.parley.core.auth;
