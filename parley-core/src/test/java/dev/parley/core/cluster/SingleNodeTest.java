package dev.parley.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.config.ConfigException;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server on its own is a cluster of one, under an id it keeps across restarts. */
class SingleNodeTest {
  @TempDir
  Path dir;

  @Test
  void aGeneratedIdIsKeptInTheDataDirectory() throws IOException {
    String id = NodeIds.resolve(null, dir);
    assertThat(id).matches("node-[0-9a-f]{8}");
    assertThat(Files.readString(dir.resolve(NodeIds.FILE)).trim()).isEqualTo(id);
    assertThat(NodeIds.resolve(null, dir)).isEqualTo(id);
    assertThat(NodeIds.resolve("eu-1", dir)).isEqualTo("eu-1");
  }

  @Test
  void badIdsAreRefused() throws IOException {
    assertThat(NodeIds.isValid("a")).isTrue();
    assertThat(NodeIds.isValid("node_1.eu-west")).isTrue();
    assertThat(NodeIds.isValid("-a")).isFalse();
    assertThat(NodeIds.isValid("a b")).isFalse();
    assertThat(NodeIds.isValid("x".repeat(65))).isFalse();
    assertThat(NodeIds.isValid("x".repeat(64))).isTrue();
    assertThat(NodeIds.isValid("")).isFalse();
    Files.writeString(dir.resolve(NodeIds.FILE), "bad id\n");
    assertThatThrownBy(() -> NodeIds.resolve(null, dir)).hasMessageContaining("node id 'bad id'");
    assertThatThrownBy(() -> TestKernel.builder(List::of).set("cluster.node-id", "no/slash").start())
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.node-id");
  }

  @Test
  void theClusterRouteListsThisNodeAlone_acrossARestart() {
    try (TestKernel k = TestKernel.builder(List::of).start()) {
      JsonNode c = new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/cluster", null).json();
      String id = c.path("nodeId").asText();
      assertThat(id).isEqualTo(k.kernel().context().nodeId()).startsWith("node-");
      assertThat(c.path("healthy").asBoolean()).isTrue();
      assertThat(c.path("nodes")).hasSize(1);
      JsonNode self = c.path("nodes").get(0);
      assertThat(self.path("id").asText()).isEqualTo(id);
      assertThat(self.path("httpPort").asInt()).isEqualTo(k.httpPort());
      assertThat(self.path("listeners").path("http").asInt()).isPositive();
      assertThat(new HttpTestClient(k.httpBase()).get("/api/v1/cluster", null).status()).isEqualTo(401);
      k.restart();
      assertThat(new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/cluster", null).json().path("nodeId")
          .asText()).isEqualTo(id);
    }
  }
}
