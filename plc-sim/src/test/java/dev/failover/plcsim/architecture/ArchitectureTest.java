package dev.failover.plcsim.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** plc-sim's boundaries (docs/architecture.md): j2mod in its Modbus server, Milo in its OPC UA server. */
class ArchitectureTest {

    private static JavaClasses plcSim;

    @BeforeAll
    static void importPlcSim() {
        plcSim = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.failover.plcsim");
    }

    @Test
    void j2modOnlyInTheModbusServer() {
        noClasses()
                .that()
                .resideOutsideOfPackage("..plcsim.modbus..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.ghgande.j2mod..")
                .check(plcSim);
    }

    @Test
    void miloOnlyInTheOpcUaServer() {
        noClasses()
                .that()
                .resideOutsideOfPackage("..plcsim.opcua..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.eclipse.milo..")
                .check(plcSim);
    }

    @Test
    void nothingOfTheGateway() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.failover.gateway..")
                .check(plcSim);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.failover.plcsim.(*)..").should().beFreeOfCycles().check(plcSim);
    }
}
