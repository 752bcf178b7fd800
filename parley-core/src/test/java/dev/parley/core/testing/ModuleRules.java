package dev.parley.core.testing;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;

/**
 * The module rules of DESIGN.md as ArchUnit rules, shared by every module's architecture test so
 * that each module states its rules in a few lines and all modules mean the same by them.
 *
 * <ul>
 *   <li>no package cycles inside a module (every package is its own slice);
 *   <li>no module reaches into another system module: systems talk through parley-core;
 *   <li>{@code java.sql} only in storage implementation packages ({@code ..store.sqlite..},
 *       {@code ..store.jdbc..}, {@code ..store.sql..}, {@code ..store.postgres..});
 *   <li>no {@code Channel.unsafe()}: handlers go through the pipeline.
 * </ul>
 */
public final class ModuleRules {
  /** Root packages of the system modules (and the server and tools that sit on top of them). */
  public static final List<String> SYSTEM_MODULES = List.of("dev.parley.im", "dev.parley.mqtt", "dev.parley.live",
      "dev.parley.rtc", "dev.parley.files", "dev.parley.cluster", "dev.parley.client", "dev.parley.server",
      "dev.parley.bench");

  /** Packages that may use JDBC: the storage implementations. */
  public static final String[] STORE_IMPLEMENTATIONS = {"..store.sqlite..", "..store.jdbc..", "..store.sql..",
      "..store.postgres.."};

  private ModuleRules() {}

  /** The main (non-test) classes of {@code rootPackage} and its subpackages. */
  public static JavaClasses mainClasses(String rootPackage) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages(rootPackage);
  }

  /** No cycle between any two packages under {@code rootPackage} (the root package included). */
  public static ArchRule noPackageCycles(String rootPackage) {
    SliceAssignment byPackage = new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String pkg = javaClass.getPackageName();
        return pkg.equals(rootPackage) || pkg.startsWith(rootPackage + ".")
            ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "every package under " + rootPackage;
      }
    };
    return slices().assignedFrom(byPackage).should().beFreeOfCycles();
  }

  /** Classes under {@code rootPackage} use no other system module's classes. */
  public static ArchRule noOtherSystemModules(String rootPackage) {
    List<String> others = new ArrayList<>();
    for (String m : SYSTEM_MODULES) {
      if (!m.equals(rootPackage)) {
        others.add(m + "..");
      }
    }
    return noClasses().that().resideInAPackage(rootPackage + "..").should().dependOnClassesThat()
        .resideInAnyPackage(others.toArray(String[]::new))
        .because("systems talk through parley-core's interfaces, never through each other's internals");
  }

  /** {@code java.sql} (JDBC and so SQL text) appears only in storage implementation packages. */
  public static ArchRule jdbcOnlyInStoreImplementations() {
    return noClasses().that().resideOutsideOfPackages(STORE_IMPLEMENTATIONS).should().dependOnClassesThat()
        .resideInAPackage("java.sql..")
        .because("storage is an interface per system; only its SQL implementations know JDBC");
  }

  /** Nobody calls {@code Channel.unsafe()}. */
  public static ArchRule noChannelUnsafe() {
    return noClasses().should().callMethodWhere(target(name("unsafe")).and(target(owner(assignableTo(Channel.class)))))
        .because("Channel.unsafe() bypasses the pipeline and its event-loop checks");
  }

  /** Checks every rule above for the module rooted at {@code rootPackage}. */
  public static void check(String rootPackage) {
    JavaClasses classes = mainClasses(rootPackage);
    noPackageCycles(rootPackage).check(classes);
    noOtherSystemModules(rootPackage).check(classes);
    jdbcOnlyInStoreImplementations().check(classes);
    noChannelUnsafe().check(classes);
  }
}
