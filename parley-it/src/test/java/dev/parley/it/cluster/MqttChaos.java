package dev.parley.it.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * MQTT QoS 1 traffic for the chaos test: Paho (3.1.1) publishers and subscribers with persistent
 * sessions (clean session off, reconnecting on their own) through one address. A publisher notes
 * every message whose PUBACK it got; every subscriber notes every message it got.
 */
final class MqttChaos {
  static final String TOPIC = "public/chaos/";

  private final List<MqttAsyncClient> publishers = new ArrayList<>();
  private final List<MqttAsyncClient> subscribers = new ArrayList<>();
  /** Subscriber client id -> payloads it got. */
  final Map<String, Set<String>> received = new ConcurrentHashMap<>();
  /** Payloads whose PUBACK came. */
  final Set<String> acked = ConcurrentHashMap.newKeySet();
  final AtomicInteger reconnects = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();

  MqttChaos(String uri, int publisherCount, int subscriberCount) throws MqttException {
    for (int i = 0; i < subscriberCount; i++) {
      String id = "chaos-sub-" + i;
      Set<String> got = ConcurrentHashMap.newKeySet();
      received.put(id, got);
      MqttAsyncClient c = client(uri, id, new Callback() {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
          got.add(new String(message.getPayload()));
        }
      });
      c.connect(options()).waitForCompletion(10_000);
      c.subscribe(TOPIC + "#", 1).waitForCompletion(10_000);
      subscribers.add(c);
    }
    for (int i = 0; i < publisherCount; i++) {
      MqttAsyncClient c = client(uri, "chaos-pub-" + i, new Callback());
      c.connect(options()).waitForCompletion(10_000);
      DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
      buffer.setBufferEnabled(true);
      buffer.setBufferSize(100_000);
      buffer.setPersistBuffer(false);
      buffer.setDeleteOldestMessages(false);
      c.setBufferOpts(buffer);
      publishers.add(c);
    }
  }

  private MqttAsyncClient client(String uri, String id, Callback callback) throws MqttException {
    MqttAsyncClient c = new MqttAsyncClient(uri, id, new MemoryPersistence());
    c.setCallback(callback);
    return c;
  }

  private static MqttConnectOptions options() {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(false);
    o.setAutomaticReconnect(true);
    o.setMaxReconnectDelay(1000);
    o.setKeepAliveInterval(5);
    o.setConnectionTimeout(5);
    o.setMaxInflight(10_000);
    return o;
  }

  /** Publishes {@code n} QoS 1 messages, spread over the publishers. */
  void publish(int n) {
    for (int i = 0; i < n; i++) {
      int k = sent.getAndIncrement();
      String payload = "mq-" + k;
      MqttAsyncClient c = publishers.get(k % publishers.size());
      try {
        c.publish(TOPIC + (k % 7), payload.getBytes(), 1, false, null, new IMqttActionListener() {
          @Override
          public void onSuccess(IMqttToken token) {
            acked.add(payload);
          }

          @Override
          public void onFailure(IMqttToken token, Throwable failure) {
          }
        });
      } catch (MqttException e) {
        // Not sent (buffer full or client closing): not acknowledged either.
      }
    }
  }

  Set<String> acked() {
    return acked;
  }

  AtomicInteger reconnects() {
    return reconnects;
  }

  /** Subscriber client id -> how many distinct messages it got. */
  Map<String, Integer> receivedCounts() {
    Map<String, Integer> out = new TreeMap<>();
    received.forEach((id, got) -> out.put(id, got.size()));
    return out;
  }

  int sent() {
    return sent.get();
  }

  /** Per subscriber, the acknowledged payloads it did not get. */
  Map<String, Set<String>> missing() {
    Map<String, Set<String>> out = new TreeMap<>();
    received.forEach((id, got) -> {
      Set<String> miss = new TreeSet<>(acked);
      miss.removeAll(got);
      if (!miss.isEmpty()) {
        out.put(id, miss);
      }
    });
    return out;
  }

  void close() {
    for (MqttAsyncClient c : concat()) {
      try {
        c.disconnectForcibly(1000, 1000);
        c.close(true);
      } catch (MqttException e) {
        // Closing anyway.
      }
    }
  }

  private List<MqttAsyncClient> concat() {
    List<MqttAsyncClient> all = new ArrayList<>(publishers);
    all.addAll(subscribers);
    return all;
  }

  private class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (reconnect) {
        reconnects.incrementAndGet();
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }
  }
}
