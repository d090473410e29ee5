package dev.failover.hardware.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Pi4J only behind the hardware module's pi4j package; the rest sees the module's interfaces. */
class ArchitectureTest {

    @Test
    void pi4jOnlyInThePi4jPackage() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.failover.hardware.pi4j..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.pi4j..")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.failover.hardware"));
    }
}
