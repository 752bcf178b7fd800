/**
 * IM storage as the rest of IM sees it: the {@code ImStore} interface (the
 * seam a PostgreSQL store implements for the cluster), its callbacks, outcomes, committed
 * messages and refusals. No SQL here. Internal to parley-im.
 */
package dev.parley.im.store;
