package dev.failover.plcsim;

import static dev.failover.plcsim.CliOptions.MAX_PORT;
import static dev.failover.plcsim.CliOptions.within;

import dev.failover.certs.PasswordSource;
import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.modbus.AccessPolicy;
import dev.failover.plcsim.modbus.Roles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code plc-sim run}: the options of one controller, checked into a {@link Cli.Run}. Files (key
 * stores, trust, CRL, plant) are read only when the controller starts. One instance per parse.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = PlcSimMain.Version.class,
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "Runs one simulated controller until SIGTERM or SIGINT.",
            "When it serves, it prints one line on standard output for scripts to parse (logs go to standard"
                    + " error), then plain=HOST:PORT with --plain-port and opcua=HOST:PORT with --opcua-port:",
            "  READY name=A modbus=127.0.0.1:5020 control=127.0.0.1:5021 tls=false",
            ""
        },
        footerHeading = "%n",
        footer = {
            "--tls-keystore turns Modbus/TCP Security on for --port, and the options after it up to --opcua-port"
                    + " need it; --opcua-port turns the OPC UA server on, and the OPC UA options need it; --trust"
                    + " and --crl serve both. A password is never an argument: give a key store's password in a"
                    + " file or an environment variable. See docs/plc-sim.md."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "1:the controller could not start (key store, trust, CRL, plant file, port in use)",
            "2:usage error",
            "143:stopped by SIGTERM (130: SIGINT), the JVM's exit status"
        })
final class RunCommand implements Callable<Integer> {

    private static final String KEYSTORE = "--tls-keystore";
    private static final String PASSWORD_FILE = "--tls-keystore-password-file";
    private static final String PASSWORD_ENV = "--tls-keystore-password-env";
    private static final String TRUST = "--trust";
    private static final String CRL = "--crl";
    private static final String WRITE_ROLES = "--write-roles";
    private static final String READ_ROLES = "--read-roles";
    private static final String PLAIN_PORT = "--plain-port";
    private static final String HANDSHAKE_TIMEOUT = "--handshake-timeout-ms";
    private static final String OPCUA_PORT = "--opcua-port";
    private static final String OPCUA_KEYSTORE = "--opcua-keystore";
    private static final String OPCUA_PASSWORD_FILE = "--opcua-keystore-password-file";
    private static final String OPCUA_PASSWORD_ENV = "--opcua-keystore-password-env";
    private static final String OPCUA_HANDSHAKE_TIMEOUT = "--opcua-handshake-timeout-ms";
    /** Options that only mean something with {@link #KEYSTORE}. */
    private static final List<String> TLS_ONLY =
            List.of(PASSWORD_FILE, PASSWORD_ENV, TRUST, CRL, WRITE_ROLES, READ_ROLES, PLAIN_PORT, HANDSHAKE_TIMEOUT);
    /** Options that only mean something with {@link #OPCUA_PORT}. */
    private static final List<String> OPCUA_ONLY =
            List.of(OPCUA_KEYSTORE, OPCUA_PASSWORD_FILE, OPCUA_PASSWORD_ENV, OPCUA_HANDSHAKE_TIMEOUT);

    @ParentCommand
    private PlcSimMain main;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--name",
            required = true,
            paramLabel = "NAME",
            description = "controller name: 1-32 printable ASCII characters without spaces")
    private String name;

    @Option(
            names = "--role",
            paramLabel = "active|standby",
            defaultValue = "standby",
            converter = CliOptions.RoleName.class,
            description = "initial runtime role (default: ${DEFAULT-VALUE})")
    private Role role;

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "Modbus TCP port, 0-65535, 0 = any free port (default: ${DEFAULT-VALUE})")
    private int port = 502;

    @Option(
            names = "--control-port",
            paramLabel = "N",
            description = "fault-injection/control port, 0-65535, 0 = any free port (default: ${DEFAULT-VALUE})")
    private int controlPort = 0;

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            description = "address both servers bind (default: ${DEFAULT-VALUE})")
    private String bind = "127.0.0.1";

    @Option(
            names = "--unit-id",
            paramLabel = "N",
            description = "Modbus unit id served, 1-255 (default: ${DEFAULT-VALUE})")
    private int unitId = 1;

    @Option(
            names = "--scan-ms",
            paramLabel = "MS",
            defaultValue = "10",
            converter = CliOptions.Millis.class,
            description = "scan period in ms, 1-60000 (default: ${DEFAULT-VALUE})")
    private Duration scanPeriod;

    @Option(
            names = "--plant",
            paramLabel = "FILE",
            description = "plant file shared with the partner controller and the relay box (default: a private tank)")
    private Path plant;

    @Option(
            names = "--retain-active-role",
            arity = "0",
            description = "after a crash and clear, an ACTIVE controller comes back ACTIVE, not STANDBY")
    private boolean retainActiveRole;

    @Option(
            names = "--partner-timeout-ms",
            paramLabel = "MS",
            defaultValue = "60",
            converter = CliOptions.Millis.class,
            description =
                    "the partner is lost when its heartbeat stood still this long, 1-60000 (default: ${DEFAULT-VALUE})")
    private Duration partnerTimeout;

    @Option(
            names = KEYSTORE,
            paramLabel = "KEYSTORE",
            description = "Modbus/TCP Security on --port with this PKCS#12 key store (default: plain Modbus TCP)")
    private Path keystore;

    @Option(names = PASSWORD_FILE, paramLabel = "FILE", description = "file whose first line is the key store password")
    private String passwordFile;

    @Option(
            names = PASSWORD_ENV,
            paramLabel = "VAR",
            description = "environment variable holding the key store password")
    private String passwordEnv;

    @Option(
            names = TRUST,
            paramLabel = "PKI_DIR|CA.pem",
            description = "the plant CA client certificates must chain to: a PKI directory or a PEM file")
    private Path trust;

    @Option(names = CRL, paramLabel = "CRL.pem", description = "the CRL file (default: crl.pem in or beside --trust)")
    private Path crl;

    @Option(
            names = WRITE_ROLES,
            paramLabel = "ROLE[,ROLE...]",
            description = "roles allowed to write (default: ${DEFAULT-VALUE})")
    private String writeRoles = AccessPolicy.GATEWAY_ROLE;

    @Option(
            names = READ_ROLES,
            paramLabel = "*|ROLE[,ROLE...]",
            description = "roles allowed to read; * for any authenticated client (default: ${DEFAULT-VALUE})")
    private String readRoles = Roles.ANY_TEXT;

    @Option(
            names = PLAIN_PORT,
            paramLabel = "N",
            description = "also a plain Modbus TCP listener on this port, 0-65535, 0 = any free port (default: none)")
    private int plainPort;

    @Option(
            names = HANDSHAKE_TIMEOUT,
            paramLabel = "MS",
            defaultValue = "3000",
            converter = CliOptions.Millis.class,
            description =
                    "a TLS handshake not done this long after accept is closed, 10-60000 (default: ${DEFAULT-VALUE})")
    private Duration handshakeTimeout;

    @Option(
            names = OPCUA_PORT,
            paramLabel = "N",
            description =
                    "also serve the registers over OPC UA on this port, 0-65535, 0 = any free port (default: none)")
    private int opcUaPort;

    @Option(
            names = OPCUA_KEYSTORE,
            paramLabel = "KEYSTORE",
            description = "PKCS#12 key store with the OPC UA application certificate")
    private Path opcUaKeystore;

    @Option(
            names = OPCUA_PASSWORD_FILE,
            paramLabel = "FILE",
            description = "file whose first line is the OPC UA key store password")
    private String opcUaPasswordFile;

    @Option(
            names = OPCUA_PASSWORD_ENV,
            paramLabel = "VAR",
            description = "environment variable holding the OPC UA key store password")
    private String opcUaPasswordEnv;

    @Option(
            names = OPCUA_HANDSHAKE_TIMEOUT,
            paramLabel = "MS",
            defaultValue = "5000",
            converter = CliOptions.Millis.class,
            description = "an OPC UA connection not authenticated this long after accept is closed, 10-60000"
                    + " (default: ${DEFAULT-VALUE})")
    private Duration opcUaHandshakeTimeout;

    @Override
    public Integer call() {
        return main.run(cli());
    }

    /** The controller these options describe; a {@link ParameterException} names a bad option. */
    Cli.Run cli() {
        within(spec, "--port", port, 0, MAX_PORT);
        within(spec, "--control-port", controlPort, 0, MAX_PORT);
        within(spec, "--unit-id", unitId, 1, 255);
        within(spec, "--scan-ms", scanPeriod, Duration.ofMillis(1), Duration.ofMinutes(1));
        within(spec, "--partner-timeout-ms", partnerTimeout, Duration.ofMillis(1), Duration.ofMinutes(1));
        handshakeTimeout(HANDSHAKE_TIMEOUT, handshakeTimeout);
        SimConfig config;
        try {
            config = new SimConfig(name, role, bind, port, controlPort, unitId, scanPeriod)
                    .withRetainActiveRole(retainActiveRole)
                    .withPartnerTimeout(partnerTimeout)
                    .withHandshakeTimeout(handshakeTimeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Optional<OpcUaOptions> opcUa = opcUa();
        return new Cli.Run(config, Optional.ofNullable(plant), tls(opcUa.isPresent()), opcUa);
    }

    /** The Modbus/TCP Security options; empty without {@code --tls-keystore}. */
    private Optional<TlsOptions> tls(boolean opcUa) {
        if (!given(KEYSTORE)) {
            for (String option : TLS_ONLY) {
                // --trust and --crl also serve the OPC UA server.
                boolean shared = option.equals(TRUST) || option.equals(CRL);
                if (given(option) && !(shared && opcUa)) {
                    throw usage(option + " is a Modbus/TCP Security option: it needs " + KEYSTORE
                            + " FILE (without it the Modbus port is plain Modbus TCP)");
                }
            }
            return Optional.empty();
        }
        PasswordSource password =
                CliOptions.password(spec, KEYSTORE, passwordFile, passwordEnv, PASSWORD_FILE, PASSWORD_ENV);
        if (trust == null) {
            throw usage(KEYSTORE + " needs " + TRUST
                    + " PKI_DIR|CA.pem: the plant CA that client certificates must chain to");
        }
        Roles write = roles(WRITE_ROLES, writeRoles);
        if (write.anyClient()) {
            throw usage(WRITE_ROLES + " must name roles, e.g. " + AccessPolicy.GATEWAY_ROLE + ": '" + Roles.ANY_TEXT
                    + "' would let any certificate of the plant write");
        }
        AccessPolicy access = new AccessPolicy(write, roles(READ_ROLES, readRoles));
        OptionalInt plain = OptionalInt.empty();
        if (given(PLAIN_PORT)) {
            within(spec, PLAIN_PORT, plainPort, 0, MAX_PORT);
            if (plainPort != 0 && (plainPort == port || plainPort == controlPort)) {
                throw usage(PLAIN_PORT + " must differ from --port and --control-port, got " + plainPort);
            }
            plain = OptionalInt.of(plainPort);
        }
        return Optional.of(new TlsOptions(keystore, password, trust, Optional.ofNullable(crl), access, plain));
    }

    /** The OPC UA server options; empty without {@code --opcua-port}. */
    private Optional<OpcUaOptions> opcUa() {
        if (!given(OPCUA_PORT)) {
            for (String option : OPCUA_ONLY) {
                if (given(option)) {
                    throw usage(option + " is an OPC UA option: it needs " + OPCUA_PORT + " N (0 = any free port)");
                }
            }
            return Optional.empty();
        }
        within(spec, OPCUA_PORT, opcUaPort, 0, MAX_PORT);
        if (opcUaPort != 0 && (opcUaPort == port || opcUaPort == controlPort)) {
            throw usage(OPCUA_PORT + " must differ from --port and --control-port, got " + opcUaPort);
        }
        if (opcUaKeystore == null) {
            throw usage(OPCUA_PORT + " needs " + OPCUA_KEYSTORE
                    + " FILE.p12: the controller's OPC UA application certificate (`certs issue opcua`)");
        }
        PasswordSource password = CliOptions.password(
                spec, OPCUA_KEYSTORE, opcUaPasswordFile, opcUaPasswordEnv, OPCUA_PASSWORD_FILE, OPCUA_PASSWORD_ENV);
        if (trust == null) {
            throw usage(OPCUA_PORT + " needs " + TRUST
                    + " PKI_DIR|CA.pem: the plant CA that client and user certificates must chain to");
        }
        return Optional.of(new OpcUaOptions(
                opcUaPort,
                opcUaKeystore,
                password,
                trust,
                Optional.ofNullable(crl),
                handshakeTimeout(OPCUA_HANDSHAKE_TIMEOUT, opcUaHandshakeTimeout)));
    }

    /** A handshake timeout within the bounds {@link Admission.Limits} takes. */
    private Duration handshakeTimeout(String option, Duration timeout) {
        return within(
                spec, option, timeout, Admission.Limits.MIN_HANDSHAKE_TIMEOUT, Admission.Limits.MAX_HANDSHAKE_TIMEOUT);
    }

    private Roles roles(String option, String text) {
        try {
            return Roles.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code option} is on the command line (not just its default). */
    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
