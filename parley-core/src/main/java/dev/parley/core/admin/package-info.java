/** The admin API's authorisation and the kernel's own routes (health, metrics, tokens, dev login, stats). */
package dev.parley.core.admin;
