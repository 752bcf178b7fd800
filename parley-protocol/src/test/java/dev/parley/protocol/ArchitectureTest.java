package dev.parley.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * parley-protocol is what the SDKs carry: plain Java and protobuf, nothing else (no Netty, no
 * server code, no JDBC), and no package cycles. It cannot use parley-core's {@code ModuleRules}
 * (parley-core depends on it), so its rules are written here.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.parley.protocol");

  @Test
  void dependsOnPlainJavaAndProtobufOnly() {
    classes().that().resideInAPackage("dev.parley.protocol..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "com.google.protobuf..",
            "dev.parley.protocol..")
        .because("the SDKs (Android included) carry this module")
        .check(MAIN);
  }

  @Test
  void hasNoPackageCycles() {
    slices().matching("dev.parley.protocol.(**)").should().beFreeOfCycles().check(MAIN);
  }
}
