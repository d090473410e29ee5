package dev.failover.gateway.config;

import static dev.failover.gateway.config.ConfigLoaderTest.FIXTURES;
import static dev.failover.gateway.config.ConfigLoaderTest.MINIMAL_PAIRS;
import static dev.failover.gateway.config.ConfigLoaderTest.SECURITY;
import static dev.failover.gateway.config.ConfigLoaderTest.fixture;
import static dev.failover.gateway.config.ConfigLoaderTest.parse;
import static dev.failover.gateway.config.ConfigLoaderTest.parseInFixtures;
import static dev.failover.gateway.config.ConfigLoaderTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.failover.gateway.config.OpcUaEndpoint.SecurityPolicyName;
import dev.failover.gateway.config.TagConfig.TagType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OPC UA parts of the configuration: controllers reached over OPC UA, their status nodes and the
 * tags' node ids, the gateway's OPC UA identities ({@code security.opcua}) and its server for SCADA
 * (the root {@code opcua:} section). As in {@link ConfigLoaderTest}, the full error text is asserted:
 * it is the operator's interface.
 */
class OpcUaConfigTest {

    /** {@link ConfigLoaderTest#SECURITY} with OPC UA identities that include the user for controllers. */
    private static final String SECURITY_WITH_OPCUA = SECURITY
            + """
              opcua:
                keystore: '%s'
                keystorePassword: {env: GATEWAY_UA_PASSWORD}
                userKeystore: '%s'
                userKeystorePassword: {env: GATEWAY_UA_USER_PASSWORD}
            """.formatted(
                            FIXTURES.resolve("pki/gateway-ua.placeholder"),
                            FIXTURES.resolve("pki/gateway-ua-user.placeholder"));

    /** Two OPC UA controllers, no tags; to follow a security section. */
    private static final String OPCUA_PAIRS = """
            pairs:
              - name: tank-1
                controllers:
                  - id: plc-a
                    preferredRole: primary
                    opcua: {endpoint: 'opc.tcp://10.0.0.11:4840/plc'}
                  - id: plc-b
                    preferredRole: standby
                    opcua: {endpoint: 'opc.tcp://10.0.0.12:4840/plc'}
            """;

    @Nested
    class ValidFiles {

        @Test
        void opcUaFileSetsEveryFieldAndTakesTheDocumentedDefaults() throws Exception {
            Path file = fixture("opcua.yaml");

            GatewayConfig config = ConfigLoader.load(file);

            GatewayConfig expected = new GatewayConfig(
                    file,
                    "line-4-gateway",
                    "127.0.0.1",
                    7410,
                    null,
                    List.of(
                            new PairConfig(
                                    "tank-1",
                                    List.of(
                                            new ControllerConfig(
                                                    "plc-a",
                                                    PreferredRole.PRIMARY,
                                                    new OpcUaEndpoint(
                                                            "opc.tcp://10.0.0.11:4841/plc",
                                                            SecurityPolicyName.AES256_SHA256_RSAPSS,
                                                            false),
                                                    null),
                                            new ControllerConfig(
                                                    "plc-b",
                                                    PreferredRole.STANDBY,
                                                    new OpcUaEndpoint(
                                                            "opc.tcp://plc-b.local/plc",
                                                            SecurityPolicyName.BASIC256SHA256,
                                                            true),
                                                    null)),
                                    new StatusRegisters(0, 1, 2, 3, 4),
                                    new StatusNodes(
                                            "nsu=urn:plant:plc;s=Status/HB",
                                            "ns=2;i=1001",
                                            "ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a",
                                            "nsu=urn:plant:plc;b=AQID",
                                            "i=4294967295"),
                                    List.of(
                                            new TagConfig(
                                                    "level",
                                                    TagConfig.NO_ADDRESS,
                                                    TagType.FLOAT32,
                                                    0.5,
                                                    "%",
                                                    0,
                                                    100,
                                                    true,
                                                    List.of("operator"),
                                                    "nsu=urn:plant:plc;s=Setpoints/LEVEL_SP"),
                                            new TagConfig(
                                                    "count",
                                                    TagConfig.NO_ADDRESS,
                                                    TagType.UINT32,
                                                    1,
                                                    "",
                                                    -1e9,
                                                    1e9,
                                                    false,
                                                    List.of(),
                                                    "ns=3;s=Counters/Total")),
                                    FailoverPolicy.defaults(),
                                    null),
                            new PairConfig(
                                    "tank-2",
                                    List.of(
                                            new ControllerConfig(
                                                    "plc-c",
                                                    PreferredRole.PRIMARY,
                                                    new ModbusEndpoint("10.0.0.13", 802, 1, false),
                                                    null),
                                            new ControllerConfig(
                                                    "plc-d",
                                                    PreferredRole.STANDBY,
                                                    // securityPolicy and subscribe left out: the defaults.
                                                    new OpcUaEndpoint(
                                                            "opc.tcp://10.0.0.14",
                                                            SecurityPolicyName.BASIC256SHA256,
                                                            true),
                                                    null)),
                                    new StatusRegisters(0, 1, 2, 3, 4),
                                    // Spelled out rather than compared with defaults(): plc-sim's node ids.
                                    new StatusNodes(
                                            "nsu=urn:dev.failover:plc-sim;s=Status/HEARTBEAT",
                                            "nsu=urn:dev.failover:plc-sim;s=Status/STATUS",
                                            "nsu=urn:dev.failover:plc-sim;s=Status/ROLE",
                                            "nsu=urn:dev.failover:plc-sim;s=Status/FLAGS",
                                            "nsu=urn:dev.failover:plc-sim;s=Status/FAULT_CODE"),
                                    List.of(new TagConfig(
                                            "level",
                                            10,
                                            TagType.UINT16,
                                            1,
                                            "",
                                            -1e9,
                                            1e9,
                                            false,
                                            List.of(),
                                            "nsu=urn:dev.failover:plc-sim;s=Process/LEVEL")),
                                    FailoverPolicy.defaults(),
                                    null)),
                    new SecurityConfig(
                            file.resolveSibling("pki/ca-chain.placeholder"),
                            file.resolveSibling("pki/crl.placeholder"),
                            file.resolveSibling("pki/gateway-keystore.placeholder"),
                            Secret.fromEnvironment("GATEWAY_KEYSTORE_PASSWORD"),
                            file.resolveSibling("state"),
                            CommandPolicy.defaults(),
                            new OpcUaIdentityConfig(
                                    file.resolveSibling("pki/gateway-ua.placeholder"),
                                    Secret.fromFile(file.resolveSibling("secrets/gateway-ua.pw")),
                                    file.resolveSibling("pki/gateway-ua-user.placeholder"),
                                    Secret.fromEnvironment("GATEWAY_UA_USER_PASSWORD"))),
                    // Only the host is written: port 4840, path /failover-gateway, the trust list in
                    // the state folder and no anonymous sessions are the defaults.
                    new ScadaServerConfig(
                            "10.0.0.5", 4840, "/failover-gateway", file.resolveSibling("state/opcua-pki"), false));
            assertThat(config).isEqualTo(expected);
        }

        @Test
        void anOpcUaEndpointTakesHostAndPortFromItsUrl() throws Exception {
            List<PairConfig> pairs = ConfigLoader.load(fixture("opcua.yaml")).pairs();
            OpcUaEndpoint explicitPort =
                    (OpcUaEndpoint) pairs.get(0).controller("plc-a").endpoint();
            OpcUaEndpoint defaultPort =
                    (OpcUaEndpoint) pairs.get(0).controller("plc-b").endpoint();

            assertThat(explicitPort.host()).isEqualTo("10.0.0.11");
            assertThat(explicitPort.port()).isEqualTo(4841);
            assertThat(defaultPort.host()).isEqualTo("plc-b.local");
            assertThat(defaultPort.port()).isEqualTo(4840);
            // There is no insecure OPC UA: SignAndEncrypt always, and the log line says so.
            assertThat(explicitPort.insecure()).isFalse();
            assertThat(explicitPort).hasToString("opc.tcp://10.0.0.11:4841/plc (Aes256_Sha256_RsaPss, SignAndEncrypt)");
            assertThat(explicitPort.securityPolicy().uri())
                    .isEqualTo("http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss");
        }

        @Test
        void anOpcUaControllerHasNoModbusEndpoint() throws Exception {
            ControllerConfig plcA =
                    ConfigLoader.load(fixture("opcua.yaml")).pairs().get(0).controller("plc-a");

            assertThat(plcA.opcUa()).isTrue();
            assertThatThrownBy(plcA::modbus)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("controller plc-a is reached over OPC UA, not Modbus");
        }

        @Test
        void theServerSectionSetsEveryKey() throws Exception {
            GatewayConfig config = parseInFixtures("gateway: {name: gw}\n" + SECURITY_WITH_OPCUA + MINIMAL_PAIRS + """
                    opcua:
                      host: 0.0.0.0
                      port: 0
                      path: /scada/line-4
                      trustDirectory: ../ua-trust
                      anonymous: true
                    """);

            assertThat(config.scadaServer())
                    .contains(new ScadaServerConfig(
                            "0.0.0.0", 0, "/scada/line-4", FIXTURES.resolveSibling("ua-trust"), true));
        }

        @Test
        void anEmptyServerMappingServesWithTheDefaults() throws Exception {
            GatewayConfig config =
                    parseInFixtures("gateway: {name: gw}\n" + SECURITY_WITH_OPCUA + MINIMAL_PAIRS + "opcua: {}\n");

            assertThat(config.scadaServer())
                    .contains(new ScadaServerConfig(
                            "127.0.0.1", 4840, "/failover-gateway", FIXTURES.resolve("state/opcua-pki"), false));
        }

        @Test
        void withoutTheServerSectionThereIsNoServer() throws Exception {
            // docs/configuration.md: an empty value is absent, so 'opcua:' with its keys commented out too.
            GatewayConfig none = parseInFixtures("gateway: {name: gw}\n" + SECURITY_WITH_OPCUA + MINIMAL_PAIRS);
            GatewayConfig commentedOut = parseInFixtures(
                    "gateway: {name: gw}\n" + SECURITY_WITH_OPCUA + MINIMAL_PAIRS + "opcua:\n  # port: 4840\n");

            assertThat(none.scadaServer()).isEmpty();
            assertThat(commentedOut.scadaServer()).isEmpty();
        }

        @Test
        void aServerWithoutOpcUaControllersNeedsNoUserKeystore() throws Exception {
            GatewayConfig config = parseInFixtures("gateway: {name: gw}\n" + SECURITY + """
                      opcua:
                        keystore: pki/gateway-ua.placeholder
                        keystorePassword: {env: GATEWAY_UA_PASSWORD}
                    opcua: {port: 4841}
                    """ + MINIMAL_PAIRS);

            assertThat(config.security().opcUa())
                    .contains(new OpcUaIdentityConfig(
                            FIXTURES.resolve("pki/gateway-ua.placeholder"),
                            Secret.fromEnvironment("GATEWAY_UA_PASSWORD"),
                            null,
                            null));
            assertThat(config.scadaServer().orElseThrow().port()).isEqualTo(4841);
        }

        @Test
        void aModbusPairsTagMayAlsoHaveANodeAndAnOpcUaPairsTagAnAddress() throws Exception {
            // A key the pair does not need is still read and kept: a mixed pair needs both.
            GatewayConfig modbus = parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS + """
                        tags:
                          - {name: level, address: 10, node: 'ns=2;s=Level'}
                    """);
            GatewayConfig opcUa = parse("gateway: {name: gw}\n" + SECURITY_WITH_OPCUA + OPCUA_PAIRS + """
                        tags:
                          - {name: level, address: 10, node: 'ns=2;s=Level'}
                          - {name: flow, node: 'ns=2;s=Flow'}
                    """);

            assertThat(modbus.pairs().get(0).tags())
                    .extracting(TagConfig::address, TagConfig::node)
                    .containsExactly(tuple(10, "ns=2;s=Level"));
            assertThat(opcUa.pairs().get(0).tags())
                    .extracting(TagConfig::address, TagConfig::node)
                    .containsExactly(tuple(10, "ns=2;s=Level"), tuple(TagConfig.NO_ADDRESS, "ns=2;s=Flow"));
            assertThat(opcUa.pairs().get(0).tags().get(1).hasAddress()).isFalse();
        }
    }

    @Nested
    class BrokenFiles {

        @Test
        void controllerEndpointRulesAreCheckedControllerByController() {
            assertThat(problemsOf("broken-opcua-controllers.yaml")).isEqualTo("""
                            broken-opcua-controllers.yaml:9: pairs[0].controllers[0].opcua: the controller also has 'modbus:'. Keep one of the two: the gateway reaches a controller over one protocol.
                            broken-opcua-controllers.yaml:12: pairs[0].controllers[1].opcua.endpoint: required key is missing. Add 'endpoint: opc.tcp://<host>:4840/<path>', the controller's OPC UA endpoint URL.
                            broken-opcua-controllers.yaml:18: pairs[1].controllers[0].opcua.endpoint: 'http://10.0.0.13:4840/plc' is not an opc.tcp:// URL. Write it as opc.tcp://<host>:<port>/<path>, e.g. opc.tcp://10.0.0.11:4840/plc.
                            broken-opcua-controllers.yaml:21: pairs[1].controllers[1].opcua.endpoint: 'opc.tcp:///plc' names no host (a host name holds letters, digits, '-' and '.'; an IPv6 address goes in brackets). Write it as opc.tcp://<host>:<port>/<path>, e.g. opc.tcp://10.0.0.11:4840/plc.
                            broken-opcua-controllers.yaml:26: pairs[2].controllers[0].opcua.endpoint: 'opc.tcp://10.0.0.15:4840/plc?session=1' has a user, query or fragment part. Write it as opc.tcp://<host>:<port>/<path>, e.g. opc.tcp://10.0.0.11:4840/plc.
                            broken-opcua-controllers.yaml:29: pairs[2].controllers[1].opcua.securityPolicy: 'Basic128Rsa15' is not a security policy. Write Basic256Sha256 or Aes256_Sha256_RsaPss.""");
        }

        @Test
        void nodeIdsAreCheckedAndEachTagHasWhatItsControllersNeed() {
            assertThat(problemsOf("broken-tag-nodes.yaml")).isEqualTo("""
                            broken-tag-nodes.yaml:13: pairs[0].nodes.heartbeat: 'Status/HEARTBEAT' is not a node id. Write it as 'nsu=<namespace URI>;s=<name>', e.g. nsu=urn:plant:plc;s=Status/HEARTBEAT.
                            broken-tag-nodes.yaml:14: pairs[0].nodes.role: 'ns=x;s=Status/ROLE' is not a node id. Write it as 'nsu=<namespace URI>;s=<name>', e.g. nsu=urn:plant:plc;s=Status/HEARTBEAT.
                            broken-tag-nodes.yaml:17: pairs[0].tags[0].node: 'nsu=urn:plant:plc;Setpoints/LEVEL_SP' is not a node id. Write it as 'nsu=<namespace URI>;s=<name>' (or ns=<index>; with i=, s=, g= or b=), e.g. nsu=urn:plant:plc;s=Setpoints/LEVEL_SP.
                            broken-tag-nodes.yaml:18: pairs[0].tags[1].node: required key is missing. Add 'node:' with the tag's OPC UA node id, e.g. 'nsu=urn:plant:plc;s=Setpoints/LEVEL_SP': a controller of this pair is reached over OPC UA.
                            broken-tag-nodes.yaml:29: pairs[1].tags[0].address: required key is missing. Add 'address:' with the tag's first holding register: a controller of this pair is reached over Modbus.
                            broken-tag-nodes.yaml:33: pairs[1].tags[1].node: 'i=abc' is not a node id. Write it as 'nsu=<namespace URI>;s=<name>' (or ns=<index>; with i=, s=, g= or b=), e.g. nsu=urn:plant:plc;s=Setpoints/LEVEL_SP.""");
        }

        @Test
        void oneOpcUaServerCannotBeTwoControllers() {
            // Host names compare without case, and a URL without a port means 4840: plc-c is plc-a.
            assertThat(problemsOf("broken-duplicate-opcua-endpoint.yaml"))
                    .isEqualTo("broken-duplicate-opcua-endpoint.yaml:16: pairs[1].controllers[0].opcua:"
                            + " opc.tcp://plc-a.local:4840/other is also the endpoint of pairs[0].controllers[0]."
                            + " Give each controller its own OPC UA server.");
        }

        @Test
        void anOpcUaControllerNeedsTheGatewaysOpcUaIdentities() {
            assertThat(problemsOf("broken-opcua-security-missing.yaml"))
                    .isEqualTo("broken-opcua-security-missing.yaml:4: security: 'opcua' is missing: controller"
                            + " plc-b is reached over OPC UA. Add 'opcua:' under 'security:' with 'keystore:' and 'keystorePassword:'"
                            + " (the gateway's OPC UA application certificate) and 'userKeystore:' with"
                            + " 'userKeystorePassword:', as docs/opcua.md describes.");
        }

        @Test
        void anOpcUaControllerNeedsTheGatewaysUserCertificate() {
            assertThat(problemsOf("broken-opcua-user-keystore.yaml"))
                    .isEqualTo("broken-opcua-user-keystore.yaml:10: security.opcua: 'userKeystore' is missing:"
                            + " controller plc-a is reached over OPC UA and the gateway logs on to it as an X.509"
                            + " user with the role gateway. Add 'userKeystore:' and 'userKeystorePassword:', as"
                            + " docs/opcua.md describes.");
        }

        @Test
        void opcUaIdentitiesFollowTheKeyStoreAndPasswordRules() {
            String fix = " there, or correct the path (a relative path starts at this file's folder).";
            String problems = problemsOf("broken-opcua-identities.yaml");

            assertThat(problems).isEqualTo("""
                            broken-opcua-identities.yaml:10: security.opcua.keystore: %s/gateway-ua.p12 does not exist. Copy the gateway's OPC UA key store (issued/<name>.p12)%s
                            broken-opcua-identities.yaml:11: security.opcua.keystorePassword: passwords are read from a file or the environment only, never from this file. Write {file: secrets/keystore.pw} or {env: GATEWAY_KEYSTORE_PASSWORD} (see docs/security.md).
                            broken-opcua-identities.yaml:12: security.opcua.userKeystore: 'userKeystore' and 'userKeystorePassword' go together. Add the other one, or remove this one.""".formatted(FIXTURES.resolve("pki"), fix));
            assertThat(problems).doesNotContain("hunter2");
        }

        @Test
        void aUserKeystorePasswordWithoutTheKeystoreIsRefused() {
            assertThatThrownBy(() -> parseInFixtures("gateway: {name: gw}\n" + SECURITY + """
                              opcua:
                                keystore: pki/gateway-ua.placeholder
                                keystorePassword: {env: GATEWAY_UA_PASSWORD}
                                userKeystorePassword: {env: GATEWAY_UA_USER_PASSWORD}
                            """ + MINIMAL_PAIRS))
                    .hasMessage("test.yaml:11: security.opcua.userKeystorePassword: 'userKeystore' and"
                            + " 'userKeystorePassword' go together. Add the other one, or remove this one.");
        }

        @Test
        void theServerNeedsTheGatewaysApplicationCertificate() {
            assertThatThrownBy(
                            () -> parseInFixtures("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS + "opcua: {}\n"))
                    .hasMessage("test.yaml:2: security: 'opcua' is missing: the gateway serves OPC UA (root"
                            + " 'opcua:' section). Add 'opcua:' under 'security:' with 'keystore:' and 'keystorePassword:' (the gateway's OPC UA"
                            + " application certificate), as docs/opcua.md describes.");
        }

        @Test
        void serverRulesAreCheckedKeyByKey() {
            assertThat(problemsOf("broken-opcua-server.yaml")).isEqualTo("""
                            broken-opcua-server.yaml:4: opcua.host: must not be empty. Write the address to serve on, e.g. 10.0.0.5.
                            broken-opcua-server.yaml:5: opcua.port: 70000 is too large. Write a port number from 0 to 65535.
                            broken-opcua-server.yaml:6: opcua.path: 'failover-gateway' is not an endpoint path. Write one that starts with '/' and has no spaces, '?' or '#', e.g. /failover-gateway.
                            broken-opcua-server.yaml:7: opcua.anonymous: 'yes' is not a boolean. Write true or false.""");
        }

        @ParameterizedTest
        @ValueSource(strings = {"failover-gateway", "/failover gateway", "/scada?x=1", "/scada#top"})
        void theServerPathStartsWithASlashAndHasNoSpaceQueryOrFragment(String path) {
            assertThatThrownBy(() -> parseInFixtures("gateway: {name: gw}\n" + SECURITY_WITH_OPCUA + MINIMAL_PAIRS
                            + "opcua: {path: '" + path + "'}\n"))
                    .hasMessage("test.yaml:22: opcua.path: '" + path + "' is not an endpoint path. Write one that"
                            + " starts with '/' and has no spaces, '?' or '#', e.g. /failover-gateway.");
        }

        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                value = {
                    "opc.tcp://gateway@10.0.0.11:4840/plc | 'opc.tcp://gateway@10.0.0.11:4840/plc' has a user, query or"
                            + " fragment part",
                    "opc.tcp://10.0.0.11:4840/plc#status | 'opc.tcp://10.0.0.11:4840/plc#status' has a user, query or"
                            + " fragment part",
                    "opc.tcp://10.0.0.11 :4840/plc | 'opc.tcp://10.0.0.11 :4840/plc' is not a URL (Illegal character"
                            + " in authority)",
                    "opc.tcp://:4840/plc | 'opc.tcp://:4840/plc' names no host (a host name holds letters, digits, '-' and"
                            + " '.'; an IPv6 address goes in brackets)",
                    "10.0.0.11:4840 | '10.0.0.11:4840' is not an opc.tcp:// URL",
                })
        void badEndpointUrlsSayWhatIsWrong(String url, String what) {
            assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY_WITH_OPCUA
                            + OPCUA_PAIRS.replace("opc.tcp://10.0.0.11:4840/plc", url)))
                    .hasMessage("test.yaml:18: pairs[0].controllers[0].opcua.endpoint: " + what
                            + ". Write it as opc.tcp://<host>:<port>/<path>, e.g. opc.tcp://10.0.0.11:4840/plc.");
        }

        @Test
        void anEndpointPortAbove65535IsRefused() {
            assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY_WITH_OPCUA
                            + OPCUA_PAIRS.replace("opc.tcp://10.0.0.11:4840/plc", "opc.tcp://10.0.0.11:99999/plc")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("test.yaml:18: pairs[0].controllers[0].opcua.endpoint:")
                    .hasMessageContaining("99999");
        }

        @Test
        void aMissingOpcUaIdentityIsReportedWithTheFilesOtherProblems() {
            ConfigException e = catchThrowableOfType(
                    ConfigException.class, () -> parse("gateway: {name: ''}\n" + SECURITY + OPCUA_PAIRS));

            assertThat(e.problems())
                    .extracting(ConfigException.ConfigProblem::key)
                    .containsExactly("gateway.name", "security");
        }
    }

    /** Node ids in the text form of OPC UA Part 6 §5.3.1.10, as the configuration accepts them. */
    @Nested
    class NodeIdText {

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "i=2258",
                    "ns=0;i=2258",
                    "ns=65535;s=Status/HEARTBEAT",
                    "nsu=urn:dev.failover:plc-sim;s=Status/HEARTBEAT",
                    "nsu=http://plant.example/UA/;s=a;b",
                    "ns=2;g=09087E75-8E5E-499B-954F-F2A9603DB28A",
                    "ns=1;b=M/RbKBsRVkePCePcx24oRA=="
                })
        void acceptsEachIdentifierTypeWithAnIndexOrUri(String text) {
            assertThat(NodeIds.valid(text)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "Status/HEARTBEAT",
                    "s=",
                    "i=abc",
                    "i=",
                    "ns=x;s=a",
                    "nsu=;s=a",
                    "ns=2,s=a",
                    "g=not-a-guid",
                    "b=not base64!",
                    "x=1"
                })
        void refusesTextThatIsNotANodeId(String text) {
            assertThat(NodeIds.valid(text)).isFalse();
            assertThatThrownBy(() -> NodeIds.check(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + text + "' is not a node id such as nsu=urn:plant:plc;s=Status/HEARTBEAT");
        }

        @ParameterizedTest
        @ValueSource(strings = {"i=4294967296", "ns=65536;i=1"})
        void refusesNumbersOutsideTheirOpcUaTypes(String text) {
            assertThat(NodeIds.valid(text)).isFalse();
        }
    }

    /** The records refuse what the loader reports, so a config built in code obeys the same rules. */
    @Nested
    class Records {

        private final ControllerConfig opcUaA = new ControllerConfig(
                "plc-a",
                PreferredRole.PRIMARY,
                new OpcUaEndpoint("opc.tcp://10.0.0.11:4840/plc", SecurityPolicyName.BASIC256SHA256, true),
                null);
        private final ControllerConfig modbusB =
                new ControllerConfig("plc-b", PreferredRole.STANDBY, new ModbusEndpoint("10.0.0.12", 802, 1), null);

        @Test
        void aPairRefusesATagWithoutWhatItsControllersNeed() {
            TagConfig registerOnly = new TagConfig("level", 10, TagType.UINT16, 1, "", 0, 100, false, List.of());
            TagConfig nodeOnly = new TagConfig(
                    "flow", TagConfig.NO_ADDRESS, TagType.UINT16, 1, "", 0, 100, false, List.of(), "ns=2;s=Flow");

            assertThatThrownBy(() -> pair(List.of(registerOnly)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tag level has no node id for controller plc-a");
            assertThatThrownBy(() -> pair(List.of(nodeOnly)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tag flow has no register address for controller plc-b");
        }

        private PairConfig pair(List<TagConfig> tags) {
            return new PairConfig(
                    "tank-1",
                    List.of(opcUaA, modbusB),
                    StatusRegisters.defaults(),
                    StatusNodes.defaults(),
                    tags,
                    FailoverPolicy.defaults(),
                    null);
        }

        @Test
        void aTagNeedsAnAddressOrANode() {
            assertThatThrownBy(() -> new TagConfig(
                            "level", TagConfig.NO_ADDRESS, TagType.UINT16, 1, "", 0, 100, false, List.of(), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tag level has neither a register address nor a node id");
        }

        @Test
        void endpointsStatusNodesIdentitiesAndTheServerRefuseWhatTheLoaderReports() {
            assertThatThrownBy(() -> new OpcUaEndpoint("http://plc/x", SecurityPolicyName.BASIC256SHA256, true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'http://plc/x' is not an opc.tcp:// URL");
            assertThatThrownBy(() -> new StatusNodes("Status/HEARTBEAT", "i=1", "i=2", "i=3", "i=4"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("'Status/HEARTBEAT' is not a node id");
            Path file = Path.of("ua.p12");
            assertThatThrownBy(() -> new OpcUaIdentityConfig(file, Secret.fromEnvironment("A"), file, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("userKeystore and userKeystorePassword go together");
            assertThatThrownBy(() -> new ScadaServerConfig("127.0.0.1", 4840, "scada", file, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("path must start with '/', got scada");
            assertThatThrownBy(() -> new ScadaServerConfig("127.0.0.1", 65536, "/scada", file, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("port must be 0-65535, got 65536");
        }

        @Test
        void statusNodeDefaultsAreTheSimulatorsNodes() {
            assertThat(StatusNodes.defaults().all())
                    .containsExactly(
                            "nsu=urn:dev.failover:plc-sim;s=Status/HEARTBEAT",
                            "nsu=urn:dev.failover:plc-sim;s=Status/STATUS",
                            "nsu=urn:dev.failover:plc-sim;s=Status/ROLE",
                            "nsu=urn:dev.failover:plc-sim;s=Status/FLAGS",
                            "nsu=urn:dev.failover:plc-sim;s=Status/FAULT_CODE");
        }
    }
}
