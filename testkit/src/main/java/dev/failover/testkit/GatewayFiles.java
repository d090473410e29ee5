package dev.failover.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a gateway run as a child process ({@link GatewayProcess}) on pair {@value #PAIR}:
 * its configuration file, written as an installation would write it (every path absolute), its
 * event log and its state directory, all in one folder. The pair is plc-a (preferred primary) and
 * plc-b on loopback, each fenced through the relay box (plc-sim's line protocol), with the tags
 * {@code level} and {@code level_setpoint} (mirrored, writable by role operator). The security
 * section comes from a {@link TestPki}: the gateway's certificate, the CA chain and CRL. Immutable.
 *
 * @param config the configuration file
 * @param eventLog the event log the gateway appends to, one JSON object a line
 * @param stateDirectory the gateway's state (command journal, replay store, fence record)
 */
public record GatewayFiles(Path config, Path eventLog, Path stateDirectory) {

    public static final String PAIR = "tank-1";
    public static final String SETPOINT = "level_setpoint";
    public static final int SETPOINT_REGISTER = 20;
    /** The file in the folder that holds the test PKI's key store password. */
    public static final String PASSWORD_FILE = "keystore.pw";

    /** The controllers' Modbus ports and the relay box's control port, all on 127.0.0.1. */
    public record Ports(int plcA, int plcB, int relayBox) {}

    /**
     * Writes the configuration into {@code dir}, and the test PKI's key store password ({@link
     * #writePassword}).
     *
     * @param failover the pair's {@code failover:} section, one key per line (see docs/configuration.md)
     * @param tlsToControllers Modbus/TCP Security to the controllers; otherwise plain Modbus TCP, the
     *     controllers marked {@code insecure: true}
     */
    public static GatewayFiles write(Path dir, TestPki pki, Ports ports, String failover, boolean tlsToControllers)
            throws IOException, PkiException {
        Path password = writePassword(dir);
        GatewayFiles files =
                new GatewayFiles(dir.resolve("gateway.yaml"), dir.resolve("events.jsonl"), dir.resolve("state"));
        String insecure = tlsToControllers ? "" : ", insecure: true";
        String yaml = header(
                                "child-gateway",
                                files,
                                pki.pki().caChainFile(),
                                pki.crlFile(),
                                pki.gateway("gateway", "gateway").keyStore(),
                                password)
                        .replace("\npairs:\n", """

                          audit:
                            keystore: '%s'
                            keystorePassword: {file: '%s'}
                        pairs:
                        """.formatted(
                                        pki.audit("gateway-audit").keyStore(), password))
                + """
                  - name: %s
                    controllers:
                      - id: plc-a
                        preferredRole: primary
                        modbus: {host: 127.0.0.1, port: %d, unitId: 1%s}
                        fence: {type: sim, host: 127.0.0.1, port: %d, output: plc-a}
                      - id: plc-b
                        preferredRole: standby
                        modbus: {host: 127.0.0.1, port: %d, unitId: 1%s}
                        fence: {type: sim, host: 127.0.0.1, port: %d, output: plc-b}
                    tags:
                      - {name: level, address: 10, type: uint16, scale: 0.01, unit: "%%", min: 0, max: 100}
                      - {name: %s, address: %d, type: uint16, scale: 0.01, unit: "%%", min: 0, max: 100,
                         mirrored: true, writableBy: [operator]}
                    failover:
                %s                """.formatted(
                                PAIR,
                                ports.plcA(),
                                insecure,
                                ports.relayBox(),
                                ports.plcB(),
                                insecure,
                                ports.relayBox(),
                                SETPOINT,
                                SETPOINT_REGISTER,
                                failover.indent(6).stripTrailing());
        Files.writeString(files.config(), yaml, StandardCharsets.UTF_8);
        return files;
    }

    /**
     * The start of a gateway configuration as an installation writes it, up to its {@code pairs:} key:
     * the control endpoint on a free loopback port, the event log and state directory of {@code
     * files}, and the security section; every path absolute.
     */
    public static String header(String name, GatewayFiles files, Path caChain, Path crl, Path keystore, Path password) {
        return """
                gateway:
                  name: %s
                  control: {host: 127.0.0.1, port: 0}
                  eventLog: '%s'
                security:
                  caCertificates: '%s'
                  crl: '%s'
                  keystore: '%s'
                  keystorePassword: {file: '%s'}
                  stateDirectory: '%s'
                pairs:
                """.formatted(name, files.eventLog(), caChain, crl, keystore, password, files.stateDirectory());
    }

    /**
     * Writes the test PKI's key store password to {@value #PASSWORD_FILE} in {@code dir}, for the
     * configuration's {@code keystorePassword} and the controllers' {@code --tls-keystore-password-file}.
     */
    public static Path writePassword(Path dir) throws IOException {
        return Files.writeString(
                dir.resolve(PASSWORD_FILE), new String(TestPki.KEYSTORE_PASSWORD), StandardCharsets.UTF_8);
    }

    /**
     * Every event in the event log, over all the gateway's lives (the file is appended to); none
     * before the first event was written.
     */
    public List<JsonNode> events() throws IOException {
        List<JsonNode> events = new ArrayList<>();
        if (!Files.exists(eventLog)) {
            return events;
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(eventLog, StandardCharsets.UTF_8)) {
            events.add(json.readTree(line));
        }
        return events;
    }
}
