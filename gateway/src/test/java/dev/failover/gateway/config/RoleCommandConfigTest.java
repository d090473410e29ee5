package dev.failover.gateway.config;

import static dev.failover.gateway.config.ConfigLoaderTest.SECURITY;
import static dev.failover.gateway.config.ConfigLoaderTest.fixture;
import static dev.failover.gateway.config.ConfigLoaderTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Where the gateway writes deadlined role commands: {@code registers.roleCommand} and {@code
 * nodes.roleCommand}, plc-sim's block by default, {@code none} for a controller without one. As in
 * {@link ConfigLoaderTest}, the full error text is asserted: it is the operator's interface.
 */
class RoleCommandConfigTest {

    private static final String PAIRS = """
            pairs:
              - name: tank-1
                controllers:
                  - id: plc-a
                    preferredRole: primary
                    modbus: {host: 127.0.0.1}
                  - id: plc-b
                    preferredRole: standby
                    modbus: {host: 127.0.0.2}
            """;

    private static PairConfig pair(String sections) throws ConfigException {
        return parse("gateway: {name: gw}\n" + SECURITY + PAIRS + sections)
                .pairs()
                .get(0);
    }

    private static String problems(String sections) {
        return catchThrowableOfType(ConfigException.class, () -> pair(sections)).getMessage();
    }

    @Test
    void byDefaultRoleCommandsGoToPlcSimsBlockAndNode() throws Exception {
        PairConfig pair = ConfigLoader.load(fixture("minimal.yaml")).pairs().get(0);

        assertThat(pair.registers().roleCommand()).isEqualTo(30);
        assertThat(pair.registers().hasRoleCommand()).isTrue();
        assertThat(pair.nodes().roleCommand()).hasValue("nsu=urn:dev.failover:plc-sim;s=Status/RoleCommand");
    }

    @Test
    void aBlockElsewhereOrNone() throws Exception {
        PairConfig moved = pair("""
                    registers: {roleCommand: 200}
                    nodes: {roleCommand: 'nsu=urn:plant:plc;s=Role/Command'}
                """);
        PairConfig none = pair("""
                    registers: {roleCommand: none}
                    nodes: {roleCommand: none}
                """);

        assertThat(moved.registers()).isEqualTo(new StatusRegisters(0, 1, 2, 3, 4, 200));
        assertThat(moved.nodes().roleCommand()).hasValue("nsu=urn:plant:plc;s=Role/Command");
        assertThat(none.registers().roleCommand()).isEqualTo(StatusRegisters.NO_ROLE_COMMAND);
        assertThat(none.registers().hasRoleCommand()).isFalse();
        assertThat(none.nodes().roleCommand()).isEmpty();
        assertThat(none.nodes().all()).as("the five status nodes are unchanged").hasSize(5);
    }

    @Test
    void aBlockMustFitTheAddressSpaceAndLeaveTheStatusRegistersAlone() {
        assertThat(problems("""
                    registers: {roleCommand: 65532}
                """))
                .isEqualTo("test.yaml:17: pairs[0].registers.roleCommand: 65532 is too large. Write 'none' or the"
                        + " first register of the five-register role command block from 0 to 65531.");
        assertThat(problems("""
                    registers: {roleCommand: nowhere}
                """))
                .isEqualTo("test.yaml:17: pairs[0].registers.roleCommand: 'nowhere' is not an integer. Write 'none'"
                        + " or the first register of the five-register role command block from 0 to 65531.");
        assertThat(problems("""
                    registers: {role: 32, roleCommand: 30}
                """))
                .isEqualTo("test.yaml:17: pairs[0].registers.roleCommand: the role command block 30-34 holds the"
                        + " 'role' register at 32. Give the role command block five registers of its own.");
        assertThat(problems("""
                    nodes: {roleCommand: 'Status/RoleCommand'}
                """))
                .startsWith("test.yaml:17: pairs[0].nodes.roleCommand: 'Status/RoleCommand' is not a node id.");
    }

    @Test
    void theRecordsRefuseABlockOutsideTheAddressSpaceAndKeepTheirOldConstructors() {
        assertThatThrownBy(() -> new StatusRegisters(0, 1, 2, 3, 4, 65532))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0-65531");
        assertThat(new StatusRegisters(0, 1, 2, 3, 4)).isEqualTo(StatusRegisters.defaults());
        assertThat(new StatusNodes("i=1", "i=2", "i=3", "i=4", "i=5").roleCommand())
                .isEqualTo(Optional.of(StatusNodes.DEFAULT_ROLE_COMMAND));
        assertThatThrownBy(() -> StatusNodes.defaults().withRoleCommand(Optional.of("Status/RoleCommand")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
