package dev.parley.im;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * parley-im's shape, checked: the module rules every module keeps (no package cycles, no other
 * system module, JDBC only in {@code ..store.sql}, no {@code Channel.unsafe()}), and no cycle
 * through a class of the root package, which only wires the packages together.
 */
class ArchitectureTest {
  static final String ROOT = "dev.parley.im";

  @Test
  void moduleRulesHold() {
    ModuleRules.check(ROOT);
  }

  @Test
  void noClassOfTheRootPackageIsPartOfACycle() {
    rootClassesAreFreeOfCycles().check(ModuleRules.mainClasses(ROOT));
  }

  /**
   * Every top-level class of the root package is a slice of its own (its nested classes with it),
   * every subpackage one slice: a cycle among these slices runs through a root class (or is a
   * package cycle, which the module rules forbid as well).
   */
  static ArchRule rootClassesAreFreeOfCycles() {
    SliceAssignment assignment = new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass c) {
        String pkg = c.getPackageName();
        if (pkg.equals(ROOT)) {
          String name = c.getName();
          int nested = name.indexOf('$');
          return SliceIdentifier.of("class " + (nested < 0 ? name : name.substring(0, nested)));
        }
        return pkg.startsWith(ROOT + ".") ? SliceIdentifier.of("package " + pkg) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "each class of " + ROOT + " and each of its subpackages";
      }
    };
    return slices().assignedFrom(assignment).should().beFreeOfCycles();
  }
}
