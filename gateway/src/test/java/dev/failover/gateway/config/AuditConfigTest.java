package dev.failover.gateway.config;

import static dev.failover.gateway.config.ConfigLoaderTest.MINIMAL_PAIRS;
import static dev.failover.gateway.config.ConfigLoaderTest.SECURITY;
import static dev.failover.gateway.config.ConfigLoaderTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code security.audit}: the audit log's key and checkpoints (issue 14). */
class AuditConfigTest {

    private static final Path KEYSTORE = Path.of("src/test/resources/config/pki/gateway-keystore.placeholder")
            .toAbsolutePath();

    @Test
    void theAuditLogIsReadWithItsDefaultsAndIsAbsentUnlessConfigured() throws Exception {
        GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + """
                  audit:
                    keystore: '%s'
                    keystorePassword: {env: AUDIT_KEYSTORE_PASSWORD}
                    checkpointEvery: 500
                """.formatted(KEYSTORE) + MINIMAL_PAIRS);

        AuditConfig audit = config.security().auditLog().orElseThrow();
        assertThat(audit.keystore()).isEqualTo(KEYSTORE);
        assertThat(audit.directory())
                .isEqualTo(config.security().stateDirectory().resolve("audit"));
        assertThat(audit.checkpointEvery()).isEqualTo(500);
        assertThat(audit.checkpointPeriod()).isEqualTo(Duration.ofSeconds(60));
        assertThat(parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS)
                        .security()
                        .auditLog())
                .isEmpty();
    }

    @Test
    void aMissingKeyStoreAZeroCountOrAnInlinePasswordIsNamed() {
        assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY + """
                          audit:
                            keystorePassword: hunter2
                            checkpointEvery: 0
                        """ + MINIMAL_PAIRS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.audit.keystore")
                .hasMessageContaining("certs issue --kind audit")
                .hasMessageContaining("security.audit.checkpointEvery: 0 is")
                .hasMessageContaining("security.audit.keystorePassword");
    }
}
