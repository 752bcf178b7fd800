package dev.parley.client.example;

import dev.parley.client.ClientConfig;
import dev.parley.client.Outgoing;
import dev.parley.client.ParleyClient;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.store.FileCursorStore;
import dev.parley.protocol.im.Conversation;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

public class Chat {
  public static void main(String[] args) throws Exception {
    String user = args.length > 0 ? args[0] : "alice";
    String peer = args.length > 1 ? args[1] : "bob";

    // A token from the dev login (loopback only, default config). A real app gets it from its backend.
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:8080/api/v1/dev/login"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    String token = r.body().replaceAll(".*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");

    ClientConfig config = ClientConfig.builder()
        .server("tcp://127.0.0.1:7900")                 // or ws://127.0.0.1:8080/im
        .token(token)
        .deviceId("example-" + user)                     // stable per install
        .cursorStore(new FileCursorStore(Path.of(System.getProperty("user.home"), ".example-chat")))
        .heartbeat(HeartbeatPolicy.adaptive().build())   // or HeartbeatPolicy.fixed(Duration.ofSeconds(60))
        .sendDeadline(Duration.ofMinutes(2))
        .build();

    try (ParleyClient client = ParleyClient.create(config)) {
      client.onConnection(e -> System.out.println("-- " + e));
      client.onMessage(m -> {
        System.out.println(m.getConversation() + " #" + m.getSeq() + " " + m.getSender() + ": " + m.getText());
        client.markRead(m.getConversation(), m.getSeq());
      });
      client.onReceipt(rc -> System.out.println(rc.getUser() + " " + rc.getType() + " up to #" + rc.getSeq()));
      client.onPresence(p -> System.out.println(p.getUser() + (p.getOnline() ? " is online" : " is offline")));
      client.onTyping(t -> System.out.println(t.getUser() + (t.getTyping() ? " is typing" : " stopped typing")));
      client.onKicked(k -> System.out.println("kicked (" + k.getReason() + "); not reconnecting"));
      client.connect();

      for (Conversation c : client.conversations().get()) {   // waits for the login if need be
        System.out.println(c.getTitle() + ": " + c.getUnread() + " unread");
      }
      client.subscribePresence(List.of(peer), List.of());

      BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
      for (String line; (line = in.readLine()) != null; ) {
        client.send(Outgoing.text(line).toUser(peer)).result().whenComplete((m, err) ->
            System.out.println(err == null ? "sent as #" + m.getSeq() : "not sent: " + err.getMessage()));
      }
      client.logout().get();
    }
  }
}
