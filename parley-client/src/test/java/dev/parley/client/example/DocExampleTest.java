package dev.parley.client.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The example in docs/SDK-JAVA.md is this package's Chat.java, which the build compiles. */
class DocExampleTest {
  @Test
  void theGuideShowsTheExampleThatCompiles() throws Exception {
    String guide = Files.readString(Path.of("../docs/SDK-JAVA.md"));
    Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(guide);
    assertThat(m.find()).isTrue();
    String source = Files.readString(Path.of("src/test/java/dev/parley/client/example/Chat.java"));
    assertThat("package dev.parley.client.example;\n\n" + m.group(1)).isEqualTo(source);
  }
}
