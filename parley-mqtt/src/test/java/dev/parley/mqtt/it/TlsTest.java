package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.MqttModule;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** MQTT over TLS (the mqtts listener) and over secure WebSocket, with a client that verifies the certificate. */
class TlsTest {
  /** The core's test certificate, copied out of its test jar. */
  static Path resource(String name) throws Exception {
    Path p = java.nio.file.Files.createTempFile("parley-tls-", name);
    p.toFile().deleteOnExit();
    try (InputStream in = TlsTest.class.getResourceAsStream("/tls/" + name)) {
      java.nio.file.Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  static TrustManagerFactory trust() throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = TlsTest.class.getResourceAsStream("/tls/cert.pem")) {
      ks.setCertificateEntry("parley", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf;
  }

  @Test
  void mqttsAndWssCarryMessages() throws Exception {
    try (TestKernel k = TestKernel.builder(() -> List.of(new MqttModule()))
        .set("tls.cert-file", resource("cert.pem").toString()).set("tls.key-file", resource("key.pem").toString())
        .set("mqtt.secure.enabled", "true").set("mqtt.secure.port", "0").set("mqtt.secure.host", "127.0.0.1")
        .set("http.tls", "true").start()) {
      TrustManagerFactory tmf = trust();
      Mqtt5BlockingClient tls = Mqtt5Client.builder().identifier("tls-sub").serverHost("localhost")
          .serverPort(k.port("mqtts")).sslConfig().trustManagerFactory(tmf).applySslConfig().buildBlocking();
      Mqtt5BlockingClient wss = Mqtt5Client.builder().identifier("wss-pub").serverHost("localhost")
          .serverPort(k.httpPort()).sslConfig().trustManagerFactory(tmf).applySslConfig()
          .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
      tls.connect();
      wss.connect();
      try (Mqtt5BlockingClient.Mqtt5Publishes ps = tls.publishes(MqttGlobalPublishFilter.ALL)) {
        tls.subscribeWith().topicFilter("public/tls").qos(MqttQos.AT_LEAST_ONCE).send();
        wss.publishWith().topic("public/tls").qos(MqttQos.AT_LEAST_ONCE).payload("secret".getBytes()).send();
        Optional<Mqtt5Publish> p = ps.receive(10, TimeUnit.SECONDS);
        assertThat(p).isPresent();
        assertThat(new String(p.get().getPayloadAsBytes())).isEqualTo("secret");
      } finally {
        tls.disconnect();
        wss.disconnect();
      }
    }
  }
}
