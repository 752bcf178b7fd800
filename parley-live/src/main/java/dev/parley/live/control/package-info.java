/** Who may publish and play: tokens, stream keys and HTTP callbacks. */
package dev.parley.live.control;
