/**
 * Sessions and how to reach them: a logged-in {@code Session} as the rest
 * of IM sees it, the {@code Directory} of who is online where and the
 * {@code Router} that delivers to sessions wherever they live, with the
 * in-process directory; also the kick policy and the per-address login limiter. The Directory and
 * Router are the seams the cluster implements (Redis). Internal to parley-im.
 */
package dev.parley.im.session;
