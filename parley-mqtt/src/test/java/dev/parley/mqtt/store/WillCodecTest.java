package dev.parley.mqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.UserProperty;
import dev.parley.mqtt.message.WillMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store form of a pending will. */
class WillCodecTest {
  static final WillMessage WILL = new WillMessage("w/t", "bye".getBytes(), 1, false, MessageProps.NONE, 0);

  @Test
  void willsSurviveTheStoreFormat() {
    WillMessage w = new WillMessage("w/t", new byte[] {0, 1, 2}, 2, true, new MessageProps(true, 30, "text/plain",
        "r/t", new byte[] {9}, List.of(new UserProperty("k", "v"))), 4_000_000_000L);
    WillMessage back = WillCodec.decode(WillCodec.encode(w));
    assertThat(back.topic()).isEqualTo("w/t");
    assertThat(back.payload()).containsExactly(0, 1, 2);
    assertThat(back.qos()).isEqualTo(2);
    assertThat(back.retain()).isTrue();
    assertThat(back.delaySeconds()).isEqualTo(4_000_000_000L);
    assertThat(back.props().contentType()).isEqualTo("text/plain");
    assertThat(back.props().userProperties()).containsExactly(new UserProperty("k", "v"));
    WillMessage plain = WillCodec.decode(WillCodec.encode(WILL));
    assertThat(plain.props()).isSameAs(MessageProps.NONE);
    assertThat(plain.retain()).isFalse();
    assertThat(plain.qos()).isEqualTo(1);
    assertThatThrownBy(() -> WillCodec.decode(new byte[] {0, 3, 'a'})).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> WillCodec.decode(new byte[] {0, 1, 'a', 1, 0, 0, 0, 0, 0, 0, 0, 0, 9}))
        .isInstanceOf(IllegalStateException.class);
  }
}
