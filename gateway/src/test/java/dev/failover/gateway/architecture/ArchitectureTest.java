package dev.failover.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries docs/architecture.md states, as rules over the gateway's compiled classes: each
 * vendor library behind the one package that adapts it, the northbound parts (commands, SCADA, the
 * control endpoint, the box) on the pair's interface rather than its supervisor, and no package
 * cycles. A new import across a boundary fails the build here, naming the class and the line.
 */
class ArchitectureTest {

    private static JavaClasses gateway;

    @BeforeAll
    static void importGateway() {
        gateway = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.failover.gateway");
    }

    /** No class outside {@code allowed} (package patterns) depends on {@code library}. */
    private static ArchRule only(String library, String why, String... allowed) {
        return noClasses()
                .that()
                .resideOutsideOfPackages(allowed)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(library)
                .because(why);
    }

    @Test
    void j2modOnlyInTheModbusLink() {
        only("com.ghgande.j2mod..", "the Modbus link is the only code that knows Modbus", "..gateway.link.modbus..")
                .check(gateway);
    }

    @Test
    void miloOnlyInTheOpcUaLinkAndTheScadaServer() {
        only(
                        "org.eclipse.milo..",
                        "OPC UA is spoken by the link to controllers and the server for SCADA only",
                        "..gateway.link.opcua..",
                        "..gateway.scada..")
                .check(gateway);
    }

    @Test
    void bouncyCastleOnlyInTheCmsCodeAndTheScadaServer() {
        // The SCADA server: Milo's server needs the BC provider and names X500Name in its API.
        only(
                        "org.bouncycastle..",
                        "cryptography is the certs module's, CMS envelopes command/cms's",
                        "..gateway.command.cms..",
                        "..gateway.scada..")
                .check(gateway);
    }

    @Test
    void pi4jNeverInTheGateway() {
        only("com.pi4j..", "GPIO goes through the hardware module's interfaces", "dev.failover.hardware.pi4j..")
                .check(gateway);
    }

    @Test
    void snakeYamlOnlyInTheConfiguration() {
        only("org.yaml.snakeyaml..", "the configuration is read in one place", "..gateway.config..")
                .check(gateway);
    }

    @Test
    void tahuOnlyInTheSparkplugNode() {
        only("org.eclipse.tahu..", "Sparkplug B is the MQTT sink's", "..gateway.mqtt..")
                .check(gateway);
    }

    @Test
    void pahoOnlyInTheMqttSink() {
        only("org.eclipse.paho..", "MQTT is the MQTT sink's", "..gateway.mqtt..")
                .check(gateway);
    }

    @Test
    void picocliOnlyInTheCommandLine() {
        only("picocli..", "the command line is the only code that parses arguments and prints", "..gateway.cli..")
                .check(gateway);
    }

    @Test
    void thePlcSimulatorIsNeverPartOfTheGateway() {
        only("dev.failover.plcsim..", "the gateway ships without the simulator", "dev.failover.plcsim..")
                .check(gateway);
    }

    @Test
    void theNorthboundPartsSeeThePairNotItsSupervisor() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "..gateway.command..", "..gateway.scada..", "..gateway.control..", "..gateway.box..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.failover.gateway.supervisor.PairSupervisor")
                .because("commands, SCADA, the control endpoint and the box need a pair, not how it is supervised")
                .check(gateway);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.failover.gateway.(*)..")
                .should()
                .beFreeOfCycles()
                .check(gateway);
    }
}
