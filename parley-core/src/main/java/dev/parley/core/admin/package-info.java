/**
 * The kernel's own routes: health, metrics, token minting, dev login and stats. Internal to
 * parley-core (the kernel registers them); modules guard their admin routes with
 * {@code http.AdminAuth}.
 */
package dev.parley.core.admin;
