package dev.parley.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md for parley-client, and the SDK's own: it runs in any app (Android
 * included), so it needs the JDK, protobuf and parley-protocol and nothing else; the terminal chat
 * is an app of the SDK, which nothing of the SDK uses.
 */
class ArchitectureTest {
  private static final String ROOT = "dev.parley.client";
  private static final JavaClasses CLASSES = ModuleRules.mainClasses(ROOT);

  @Test
  void noPackageCycles() {
    ModuleRules.noPackageCycles(ROOT).check(CLASSES);
  }

  @Test
  void noOtherSystemModules() {
    ModuleRules.noOtherSystemModules(ROOT).check(CLASSES);
  }

  @Test
  void noJdbcAndNoChannelUnsafe() {
    ModuleRules.jdbcOnlyInStoreImplementations().check(CLASSES);
    ModuleRules.noChannelUnsafe().check(CLASSES);
  }

  @Test
  void dependsOnParleyProtocolAndTheJdkOnly() {
    classes().that().resideInAPackage(ROOT + "..").should().onlyDependOnClassesThat()
        .resideInAnyPackage(ROOT + "..", "dev.parley.protocol..", "com.google.protobuf..", "java..", "javax..")
        .because("the SDK goes into apps, Android too: of the JDK only java.* and javax.*; no Netty, no server code,"
            + " no logging library")
        .check(CLASSES);
  }

  @Test
  void theSdkDoesNotUseTheTerminalChat() {
    noClasses().that().resideOutsideOfPackage(ROOT + ".chat..").should().dependOnClassesThat()
        .resideInAPackage(ROOT + ".chat..")
        .because("the terminal chat is an app built on the SDK's public API")
        .check(CLASSES);
  }
}
