package dev.failover.plcsim.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Authorization rules of Modbus/TCP Security: which role may use which function code. */
class AccessPolicyTest {

    private static final int READ_HOLDING = 3;
    private static final int WRITE_SINGLE = 6;
    private static final int WRITE_MULTIPLE = 16;
    private static final int READ_WRITE_MULTIPLE = 23;

    private static final Optional<String> GATEWAY = Optional.of("gateway");
    private static final Optional<String> OPERATOR = Optional.of("operator");
    private static final Optional<String> NO_ROLE = Optional.empty();

    @Test
    void byDefaultOnlyTheGatewayWritesAndEveryAuthenticatedClientReads() {
        AccessPolicy policy = AccessPolicy.defaults();

        assertThat(policy.permits(GATEWAY, WRITE_SINGLE)).isTrue();
        assertThat(policy.permits(GATEWAY, WRITE_MULTIPLE)).isTrue();
        assertThat(policy.permits(OPERATOR, WRITE_SINGLE)).isFalse();
        assertThat(policy.permits(OPERATOR, WRITE_MULTIPLE)).isFalse();
        assertThat(policy.permits(NO_ROLE, WRITE_SINGLE)).isFalse();
        assertThat(policy.permits(GATEWAY, READ_HOLDING)).isTrue();
        assertThat(policy.permits(OPERATOR, READ_HOLDING)).isTrue();
        assertThat(policy.permits(NO_ROLE, READ_HOLDING)).isTrue();
    }

    @Test
    void restrictedReadsRefuseACertificateWithoutARole() {
        AccessPolicy policy = new AccessPolicy(Roles.of("gateway"), Roles.parse("gateway,operator"));

        assertThat(policy.permits(OPERATOR, READ_HOLDING)).isTrue();
        assertThat(policy.permits(Optional.of("engineer"), READ_HOLDING)).isFalse();
        assertThat(policy.permits(NO_ROLE, READ_HOLDING)).isFalse();
    }

    @Test
    void unknownAndMixedFunctionsCountAsWritesSoTheyFailClosed() {
        AccessPolicy policy = AccessPolicy.defaults();

        assertThat(AccessPolicy.isRead(READ_WRITE_MULTIPLE)).isFalse();
        assertThat(policy.permits(OPERATOR, READ_WRITE_MULTIPLE)).isFalse();
        assertThat(policy.permits(OPERATOR, 0x5A)).isFalse();
        assertThat(AccessPolicy.isRead(1)).isTrue();
        assertThat(AccessPolicy.isRead(4)).isTrue();
    }

    @Test
    void rolesAreComparedExactly() {
        AccessPolicy policy = AccessPolicy.defaults();

        assertThat(policy.permits(Optional.of("Gateway"), WRITE_SINGLE)).isFalse();
        assertThat(policy.permits(Optional.of("gateway "), WRITE_SINGLE)).isFalse();
    }

    @Test
    void writesMustNameRoles() {
        assertThatThrownBy(() -> new AccessPolicy(Roles.any(), Roles.any()))
                .hasMessageStartingWith("writeRoles must name roles");
    }

    @Test
    void rolesParseAStarOrACommaSeparatedList() {
        assertThat(Roles.parse("*")).isEqualTo(Roles.any());
        assertThat(Roles.parse("gateway, engineer")).isEqualTo(Roles.of("engineer", "gateway"));
        assertThat(Roles.parse("gateway,engineer")).hasToString("engineer,gateway");
        assertThat(Roles.any()).hasToString("*");
        assertThatThrownBy(() -> Roles.parse("gateway,,engineer")).hasMessage("empty role name in 'gateway,,engineer'");
        assertThatThrownBy(() -> Roles.parse("")).hasMessage("empty role name in ''");
        assertThatThrownBy(() -> Roles.parse("gateway,*")).hasMessageContaining("'*' stands alone");
        assertThatThrownBy(() -> Roles.of()).hasMessageContaining("name at least one role");
    }
}
