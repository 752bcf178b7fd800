package dev.parley.client;

import dev.parley.protocol.im.Receipt;

/** Delivery and read receipts: a user's device holds (or the user read) every message up to a seq. */
@FunctionalInterface
public interface ReceiptListener {
  /** A receipt: user, conversation, type and seq. */
  void onReceipt(Receipt receipt);
}
