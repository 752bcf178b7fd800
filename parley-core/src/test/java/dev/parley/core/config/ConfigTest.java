package dev.parley.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.kernel.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  private final ConfigSchema schema = Kernel.schema(List.of());

  @TempDir
  Path dir;

  @Test
  void defaultsApplyWhenNothingIsSet() {
    Config c = Config.load(schema, null, Map.of(), Map.of());
    assertThat(c.get(CoreKeys.HTTP.port)).isEqualTo(8080);
    assertThat(c.get(CoreKeys.DATA_DIR)).isEqualTo(Path.of("./data"));
    assertThat(c.source(CoreKeys.HTTP.port)).isEqualTo(Config.Source.DEFAULT);
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path file = dir.resolve("parley.yml");
    Files.writeString(file, "http:\n  port: 9000\n  idle-timeout: 30s\nserver:\n  io-threads: 3\n");
    Config c = Config.load(schema, file, Map.of("PARLEY_HTTP_PORT", "9001", "PARLEY_SERVER_IO_THREADS", "5"),
        Map.of("http.port", "9002"));
    assertThat(c.get(CoreKeys.HTTP.port)).isEqualTo(9002);
    assertThat(c.source(CoreKeys.HTTP.port)).isEqualTo(Config.Source.FLAG);
    assertThat(c.get(CoreKeys.IO_THREADS)).isEqualTo(5);
    assertThat(c.get(CoreKeys.HTTP_IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.source(CoreKeys.HTTP_IDLE_TIMEOUT)).isEqualTo(Config.Source.FILE);
  }

  @Test
  void dottedKeysInTheFileWorkLikeNestedOnes() throws Exception {
    Path file = dir.resolve("parley.yml");
    Files.writeString(file, "http.port: 9100\n");
    assertThat(Config.load(schema, file, Map.of(), Map.of()).get(CoreKeys.HTTP.port)).isEqualTo(9100);
  }

  @Test
  void unknownKeyIsAnErrorWithASuggestion() throws Exception {
    Path file = dir.resolve("parley.yml");
    Files.writeString(file, "http:\n  prot: 9000\n");
    assertThatThrownBy(() -> Config.load(schema, file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config file: unknown key 'http.prot'")
        .hasMessageContaining("did you mean http.port?");
  }

  @Test
  void everyBadValueIsReportedAtOnce() {
    assertThatThrownBy(() -> Config.load(schema, null, Map.of(),
        Map.of("http.port", "70000", "http.idle-timeout", "soon", "store.sqlite.synchronous", "sometimes")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3))
        .hasMessageContaining("http.port: 70000 is not a port")
        .hasMessageContaining("http.idle-timeout: soon is not a duration")
        .hasMessageContaining("is not one of [full, normal, off]");
  }

  @Test
  void brokenYamlAndMissingFileAreClearErrors() throws Exception {
    Path file = dir.resolve("bad.yml");
    Files.writeString(file, "http: [unclosed\n");
    assertThatThrownBy(() -> Config.load(schema, file, Map.of(), Map.of())).hasMessageContaining("is not valid YAML");
    assertThatThrownBy(() -> Config.load(schema, dir.resolve("nope.yml"), Map.of(), Map.of()))
        .hasMessageContaining("cannot be read");
  }

  @Test
  void yamlSyntaxErrorsNameTheLineAndColumn() throws Exception {
    Path file = dir.resolve("parley.yml");
    Files.writeString(file, "http:\n  port: 8080\n im:\n    tcp: {port: 1\n");
    assertThatThrownBy(() -> Config.load(schema, file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("parley.yml, line 3, column 2 is not valid YAML");
  }

  @Test
  void unknownParleyEnvironmentVariableStopsTheLoadNamingIt() {
    assertThatThrownBy(() -> Config.load(schema, null, Map.of("PARLEY_HTTP_PROT", "9000"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("environment: PARLEY_HTTP_PROT is not a config key")
        .hasMessageContaining("did you mean PARLEY_HTTP_PORT?");
    assertThatThrownBy(() -> Config.load(schema, null, Map.of("PARLEY_NONSENSE_WHATEVER_ELSE", "1"), Map.of()))
        .hasMessageContaining("PARLEY_NONSENSE_WHATEVER_ELSE is not a config key");
  }

  @Test
  void theLaunchersOwnVariablesAndOtherPrefixesAreNotConfigKeys() {
    Map<String, String> env = Map.of("PARLEY_JAVA_OPTS", "-Xmx1g", "PARLEY_JAVA", "/usr/bin/java",
        "PARLEY_CONFIG", "other.yml", "PARLEY_JAR", "parley.jar", "HOME", "/root", "PARLEYX", "1");
    Config c = Config.load(schema, null, env, Map.of());
    assertThat(c.get(CoreKeys.HTTP.port)).isEqualTo(8080);
  }

  @Test
  void secretsAreMaskedWhenPrinted() {
    Config c = Config.load(schema, null, Map.of("PARLEY_ADMIN_SECRET", "hunter2-hunter2"), Map.of());
    assertThat(c.get(CoreKeys.ADMIN_SECRET)).isEqualTo("hunter2-hunter2");
    assertThat(String.join("\n", c.describe()))
        .contains("admin.secret: ****   # env")
        .doesNotContain("hunter2");
  }

  @Test
  void sizesAndDurationsParseHumanForms() {
    assertThat(Sizes.parse("64KiB")).isEqualTo(65536);
    assertThat(Sizes.parse("4MB")).isEqualTo(4 << 20);
    assertThat(Sizes.parse("100")).isEqualTo(100);
    assertThat(Durations.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThatThrownBy(() -> Sizes.parse("lots")).isInstanceOf(IllegalArgumentException.class);
  }
}
