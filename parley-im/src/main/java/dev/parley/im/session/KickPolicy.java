package dev.parley.im.session;

/** Who is kicked when a user logs in again ({@code im.kick-policy}). */
public enum KickPolicy {
  /** The older session on the same device id (default): one session per device. */
  SAME_DEVICE,
  /** The older session on the same platform: one phone, one desktop, one web page. */
  SAME_PLATFORM,
  /** Nobody: any number of sessions. */
  NONE
}
