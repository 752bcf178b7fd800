/** IM's meters, exported as {@code parley_im_*} at {@code /metrics}. Internal to parley-im. */
package dev.parley.im.metrics;
