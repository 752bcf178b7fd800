package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Platform;
import dev.parley.protocol.im.Sync;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The IM admin API: sessions, kicks, system messages, stats. */
class AdminApiTest {
  static ImServer server;
  static HttpTestClient http;

  @BeforeAll
  static void start() {
    server = ImServer.start();
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void listsAndKicksSessions() {
    ImTestClient phone = server.connect(Transport.TCP);
    phone.login(server.token("adm-a"), "phone-1", Platform.PLATFORM_ANDROID);
    ImTestClient web = server.login(Transport.WS_JSON, "adm-a", "web-1");
    JsonNode list = http.admin("GET", "/api/v1/users/adm-a/sessions", null).json();
    assertThat(list.get("sessions")).hasSize(2);
    JsonNode first = list.get("sessions").get(0);
    assertThat(first.get("deviceId").asText()).isEqualTo("phone-1");
    assertThat(first.get("platform").asText()).isEqualTo("android");
    assertThat(first.get("transport").asText()).isEqualTo("tcp");
    assertThat(http.get("/api/v1/users/adm-a/sessions", null).status()).isEqualTo(401);

    String id = first.get("sessionId").asText();
    assertThat(http.admin("DELETE", "/api/v1/users/adm-a/sessions/" + id, null).status()).isEqualTo(200);
    assertThat(phone.nextEvent(Duration.ofSeconds(5)).getKicked().getReason()).isEqualTo(KickReason.KICK_REASON_ADMIN);
    await().atMost(Duration.ofSeconds(5)).until(phone::isClosed);
    assertThat(web.isClosed()).isFalse();
    assertThat(http.admin("DELETE", "/api/v1/users/adm-a/sessions/nope", null).status()).isEqualTo(404);
    assertThat(http.admin("DELETE", "/api/v1/users/adm-a/sessions", null).json().get("kicked").asInt()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(web::isClosed);
  }

  @Test
  void systemMessageReachesTheUserOnlineAndOnSync() {
    ImTestClient c = server.login(Transport.TCP, "adm-b", "d").autoAck(true);
    HttpTestClient.Response r = http.admin("POST", "/api/v1/messages/system",
        "{\"toUser\":\"adm-b\",\"text\":\"Welcome!\",\"event\":\"welcome\",\"attributes\":{\"plan\":\"pro\"}}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("conversation").asText()).isEqualTo("s:adm-b");
    await().atMost(Duration.ofSeconds(5)).until(() -> !c.pushed().isEmpty());
    Message m = c.pushed().get(0);
    assertThat(m.getKind()).isEqualTo(MessageKind.MESSAGE_KIND_SYSTEM);
    assertThat(m.getText()).isEqualTo("Welcome!");
    assertThat(m.getAttributesMap()).containsEntry("plan", "pro");
    // An offline user gets it on sync.
    http.admin("POST", "/api/v1/messages/system", "{\"toUser\":\"adm-c\",\"text\":\"Later\"}");
    ImTestClient later = server.login(Transport.TCP, "adm-c", "d");
    assertThat(later.call(Frame.newBuilder().setSync(Sync.getDefaultInstance())).getSyncResult().getMessages(0).getText())
        .isEqualTo("Later");
  }

  @Test
  void systemMessageToAGroupAndItsErrors() {
    ImTestClient owner = server.login(Transport.TCP, "adm-d", "d").autoAck(true);
    String gid = owner.call(Frame.newBuilder().setGroupCreate(GroupCreate.newBuilder().setName("g"))).getGroupInfo()
        .getGroupId();
    HttpTestClient.Response r = http.admin("POST", "/api/v1/messages/system",
        "{\"toGroup\":\"" + gid + "\",\"text\":\"Maintenance at noon\",\"clientId\":\"m-1\"}");
    assertThat(r.json().get("seq").asLong()).isEqualTo(2);
    HttpTestClient.Response again = http.admin("POST", "/api/v1/messages/system",
        "{\"toGroup\":\"" + gid + "\",\"text\":\"Maintenance at noon\",\"clientId\":\"m-1\"}");
    assertThat(again.json().get("duplicate").asBoolean()).isTrue();
    assertThat(again.json().get("seq").asLong()).isEqualTo(2);
    assertThat(http.admin("POST", "/api/v1/messages/system", "{\"toGroup\":\"nosuch\",\"text\":\"x\"}").status())
        .isEqualTo(404);
    HttpTestClient.Response bad = http.admin("POST", "/api/v1/messages/system", "{\"text\":\"x\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").asText()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void statsAndMetricsDescribeIm() {
    server.login(Transport.TCP, "adm-e", "d");
    JsonNode stats = http.admin("GET", "/api/v1/stats", null).json();
    assertThat(stats.at("/im/sessions").asInt()).isPositive();
    String metrics = http.get("/metrics", null).body();
    assertThat(metrics).contains("parley_im_connections{transport=\"tcp\"}")
        .contains("parley_im_logins_total{result=\"ok\"}")
        .contains("parley_im_messages_in_total")
        .contains("parley_store_commit_seconds");
  }
}
