package dev.failover.plcsim;

import dev.failover.certs.PasswordSource;
import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.modbus.AccessPolicy;
import dev.failover.plcsim.modbus.Roles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Parses the {@code plc-sim} command line into a {@link Cli} value. Stateless and thread-safe. */
final class CliParser {

    static final String USAGE = """
            usage: plc-sim run --name NAME [--role active|standby] [--port N] [--control-port N]
                               [--bind ADDRESS] [--unit-id N] [--scan-ms N] [--plant FILE]
                               [--retain-active-role] [--partner-timeout-ms N]
                               [--tls-keystore FILE.p12 (--tls-keystore-password-file FILE
                                                         | --tls-keystore-password-env VAR)
                                --trust PKI_DIR|CA.pem [--crl CRL.pem] [--write-roles ROLE,..]
                                [--read-roles *|ROLE,..] [--plain-port N] [--handshake-timeout-ms N]]
                               [--opcua-port N --opcua-keystore FILE.p12
                                (--opcua-keystore-password-file FILE | --opcua-keystore-password-env VAR)
                                --trust PKI_DIR|CA.pem [--crl CRL.pem] [--opcua-handshake-timeout-ms N]]
                   plc-sim relay --plant FILE [--control-port N] [--bind ADDRESS]
                   plc-sim ctl --port N [--host HOST] COMMAND...
            commands: crash, hang, freeze-heartbeat, fault, slow <ms>, drop, drop once, lose <n>,
                      stall <ms>, corrupt, corrupt-setpoints, clear, output-enable on|off,
                      partner-link cut|restore, status
            relay commands: output-enable NAME on|off [deadline=EPOCH_MS], status [NAME]""";

    private static final String KEYSTORE = "--tls-keystore";
    private static final String PASSWORD_FILE = "--tls-keystore-password-file";
    private static final String PASSWORD_ENV = "--tls-keystore-password-env";
    private static final String TRUST = "--trust";
    private static final String CRL = "--crl";
    private static final String WRITE_ROLES = "--write-roles";
    private static final String READ_ROLES = "--read-roles";
    private static final String PLAIN_PORT = "--plain-port";
    private static final String OPCUA_PORT = "--opcua-port";
    private static final String OPCUA_KEYSTORE = "--opcua-keystore";
    private static final String OPCUA_PASSWORD_FILE = "--opcua-keystore-password-file";
    private static final String OPCUA_PASSWORD_ENV = "--opcua-keystore-password-env";
    private static final String RETAIN_ACTIVE_ROLE = "--retain-active-role";
    private static final String PARTNER_TIMEOUT = "--partner-timeout-ms";
    private static final String HANDSHAKE_TIMEOUT = "--handshake-timeout-ms";
    private static final String OPCUA_HANDSHAKE_TIMEOUT = "--opcua-handshake-timeout-ms";
    /** Options without a value: present or absent. */
    private static final Set<String> FLAGS = Set.of(RETAIN_ACTIVE_ROLE);
    /** Options that only mean something with {@link #OPCUA_PORT}. */
    private static final List<String> OPCUA_ONLY =
            List.of(OPCUA_KEYSTORE, OPCUA_PASSWORD_FILE, OPCUA_PASSWORD_ENV, OPCUA_HANDSHAKE_TIMEOUT);
    /** Options that only mean something with {@link #KEYSTORE}. */
    private static final List<String> TLS_ONLY =
            List.of(PASSWORD_FILE, PASSWORD_ENV, TRUST, CRL, WRITE_ROLES, READ_ROLES, PLAIN_PORT, HANDSHAKE_TIMEOUT);

    private static final Set<String> RUN_OPTIONS = Set.of(
            "--name",
            "--role",
            "--port",
            "--control-port",
            "--bind",
            "--unit-id",
            "--scan-ms",
            "--plant",
            KEYSTORE,
            PASSWORD_FILE,
            PASSWORD_ENV,
            TRUST,
            CRL,
            WRITE_ROLES,
            READ_ROLES,
            PLAIN_PORT,
            OPCUA_PORT,
            OPCUA_KEYSTORE,
            OPCUA_PASSWORD_FILE,
            OPCUA_PASSWORD_ENV,
            RETAIN_ACTIVE_ROLE,
            PARTNER_TIMEOUT,
            HANDSHAKE_TIMEOUT,
            OPCUA_HANDSHAKE_TIMEOUT);
    private static final Set<String> CTL_OPTIONS = Set.of("--port", "--host");
    private static final Set<String> RELAY_OPTIONS = Set.of("--plant", "--control-port", "--bind");

    /** What the command line asks for. */
    sealed interface Cli {
        /**
         * Start a controller. {@code config} has no TLS yet: {@code tls}, when present, names the
         * files its TLS context is built from at start.
         */
        record Run(SimConfig config, Optional<Path> plant, Optional<TlsOptions> tls, Optional<OpcUaOptions> opcUa)
                implements Cli {

            /** A controller without OPC UA. */
            Run(SimConfig config, Optional<Path> plant, Optional<TlsOptions> tls) {
                this(config, plant, tls, Optional.empty());
            }
        }

        record Ctl(String host, int port, String commandLine) implements Cli {}

        /** Serve the output-enable relays of the plant file {@code plant} on {@code bind:port}. */
        record Relay(Path plant, String bind, int port) implements Cli {}

        record Help() implements Cli {}

        /** A usage error; {@code message} names the bad option or value. */
        record Invalid(String message) implements Cli {}
    }

    private CliParser() {}

    static Cli parse(String[] args) {
        if (args.length == 0) {
            return new Cli.Invalid("missing command: 'run', 'relay' or 'ctl'");
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "run" -> run(rest);
            case "relay" -> relay(rest);
            case "ctl" -> ctl(rest);
            case "help", "-h", "--help" -> new Cli.Help();
            default -> new Cli.Invalid("unknown command '" + args[0] + "': expected 'run', 'relay' or 'ctl'");
        };
    }

    private static Cli run(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        Optional<String> error = options("run", args, RUN_OPTIONS, options, words);
        if (error.isPresent()) {
            return new Cli.Invalid(error.get());
        }
        if (!words.isEmpty()) {
            return new Cli.Invalid("run takes only options, got '" + words.get(0) + "'");
        }
        if (!options.containsKey("--name")) {
            return new Cli.Invalid("run needs --name NAME");
        }
        String roleText = options.getOrDefault("--role", "standby");
        Role role;
        switch (roleText.toLowerCase(Locale.ROOT)) {
            case "active" -> role = Role.ACTIVE;
            case "standby" -> role = Role.STANDBY;
            default -> {
                return new Cli.Invalid("--role must be 'active' or 'standby', got '" + roleText + "'");
            }
        }
        try {
            int port = integer(options, "--port", 502, 0, 65535);
            int controlPort = integer(options, "--control-port", 0, 0, 65535);
            int unitId = integer(options, "--unit-id", 1, 1, 255);
            int scanMs = integer(options, "--scan-ms", 10, 1, 60_000);
            int partnerTimeoutMs =
                    integer(options, PARTNER_TIMEOUT, (int) SimConfig.DEFAULT_PARTNER_TIMEOUT.toMillis(), 1, 60_000);
            Duration handshakeTimeout =
                    handshakeTimeout(options, HANDSHAKE_TIMEOUT, SimConfig.DEFAULT_HANDSHAKE_TIMEOUT);
            SimConfig config = new SimConfig(
                            options.get("--name"),
                            role,
                            options.getOrDefault("--bind", "127.0.0.1"),
                            port,
                            controlPort,
                            unitId,
                            Duration.ofMillis(scanMs))
                    .withRetainActiveRole(options.containsKey(RETAIN_ACTIVE_ROLE))
                    .withPartnerTimeout(Duration.ofMillis(partnerTimeoutMs))
                    .withHandshakeTimeout(handshakeTimeout);
            Optional<OpcUaOptions> opcUa = opcUa(options, port, controlPort);
            return new Cli.Run(
                    config,
                    Optional.ofNullable(options.get("--plant")).map(Path::of),
                    tls(options, port, controlPort, opcUa.isPresent()),
                    opcUa);
        } catch (IllegalArgumentException e) {
            return new Cli.Invalid(e.getMessage());
        }
    }

    /** The Modbus/TCP Security options; empty without {@code --tls-keystore}. */
    private static Optional<TlsOptions> tls(Map<String, String> options, int port, int controlPort, boolean opcUa) {
        if (!options.containsKey(KEYSTORE)) {
            for (String option : TLS_ONLY) {
                // --trust and --crl also serve the OPC UA server.
                boolean shared = option.equals(TRUST) || option.equals(CRL);
                if (options.containsKey(option) && !(shared && opcUa)) {
                    throw new IllegalArgumentException(option + " is a Modbus/TCP Security option: it needs " + KEYSTORE
                            + " FILE (without it the Modbus port is plain Modbus TCP)");
                }
            }
            return Optional.empty();
        }
        PasswordSource password;
        if (options.containsKey(PASSWORD_FILE) == options.containsKey(PASSWORD_ENV)) {
            throw new IllegalArgumentException(KEYSTORE + " needs its password from exactly one of " + PASSWORD_FILE
                    + " FILE or " + PASSWORD_ENV + " VAR");
        } else if (options.containsKey(PASSWORD_FILE)) {
            password = new PasswordSource.FromFile(Path.of(options.get(PASSWORD_FILE)));
        } else {
            password = new PasswordSource.FromEnv(options.get(PASSWORD_ENV));
        }
        if (!options.containsKey(TRUST)) {
            throw new IllegalArgumentException(KEYSTORE + " needs " + TRUST
                    + " PKI_DIR|CA.pem: the plant CA that client certificates must chain to");
        }
        Roles writeRoles = roles(options, WRITE_ROLES, AccessPolicy.GATEWAY_ROLE);
        if (writeRoles.anyClient()) {
            throw new IllegalArgumentException(WRITE_ROLES + " must name roles, e.g. " + AccessPolicy.GATEWAY_ROLE
                    + ": '" + Roles.ANY_TEXT + "' would let any certificate of the plant write");
        }
        AccessPolicy access = new AccessPolicy(writeRoles, roles(options, READ_ROLES, Roles.ANY_TEXT));
        OptionalInt plainPort = OptionalInt.empty();
        if (options.containsKey(PLAIN_PORT)) {
            int plain = integer(options, PLAIN_PORT, 0, 0, 65535);
            if (plain != 0 && (plain == port || plain == controlPort)) {
                throw new IllegalArgumentException(
                        PLAIN_PORT + " must differ from --port and --control-port, got " + plain);
            }
            plainPort = OptionalInt.of(plain);
        }
        return Optional.of(new TlsOptions(
                Path.of(options.get(KEYSTORE)),
                password,
                Path.of(options.get(TRUST)),
                Optional.ofNullable(options.get(CRL)).map(Path::of),
                access,
                plainPort));
    }

    /** The OPC UA server options; empty without {@code --opcua-port}. */
    private static Optional<OpcUaOptions> opcUa(Map<String, String> options, int port, int controlPort) {
        if (!options.containsKey(OPCUA_PORT)) {
            for (String option : OPCUA_ONLY) {
                if (options.containsKey(option)) {
                    throw new IllegalArgumentException(
                            option + " is an OPC UA option: it needs " + OPCUA_PORT + " N (0 = any free port)");
                }
            }
            return Optional.empty();
        }
        int opcUaPort = integer(options, OPCUA_PORT, 0, 0, 65535);
        if (opcUaPort != 0 && (opcUaPort == port || opcUaPort == controlPort)) {
            throw new IllegalArgumentException(
                    OPCUA_PORT + " must differ from --port and --control-port, got " + opcUaPort);
        }
        if (!options.containsKey(OPCUA_KEYSTORE)) {
            throw new IllegalArgumentException(OPCUA_PORT + " needs " + OPCUA_KEYSTORE
                    + " FILE.p12: the controller's OPC UA application certificate (`certs issue opcua`)");
        }
        PasswordSource password;
        if (options.containsKey(OPCUA_PASSWORD_FILE) == options.containsKey(OPCUA_PASSWORD_ENV)) {
            throw new IllegalArgumentException(OPCUA_KEYSTORE + " needs its password from exactly one of "
                    + OPCUA_PASSWORD_FILE + " FILE or " + OPCUA_PASSWORD_ENV + " VAR");
        } else if (options.containsKey(OPCUA_PASSWORD_FILE)) {
            password = new PasswordSource.FromFile(Path.of(options.get(OPCUA_PASSWORD_FILE)));
        } else {
            password = new PasswordSource.FromEnv(options.get(OPCUA_PASSWORD_ENV));
        }
        if (!options.containsKey(TRUST)) {
            throw new IllegalArgumentException(OPCUA_PORT + " needs " + TRUST
                    + " PKI_DIR|CA.pem: the plant CA that client and user certificates must chain to");
        }
        return Optional.of(new OpcUaOptions(
                opcUaPort,
                Path.of(options.get(OPCUA_KEYSTORE)),
                password,
                Path.of(options.get(TRUST)),
                Optional.ofNullable(options.get(CRL)).map(Path::of),
                handshakeTimeout(options, OPCUA_HANDSHAKE_TIMEOUT, SimConfig.OpcUa.DEFAULT_HANDSHAKE_TIMEOUT)));
    }

    /** A handshake timeout option in whole milliseconds, within the bounds {@link Admission.Limits} takes. */
    private static Duration handshakeTimeout(Map<String, String> options, String name, Duration fallback) {
        return Duration.ofMillis(integer(
                options, name, (int) fallback.toMillis(), (int) Admission.Limits.MIN_HANDSHAKE_TIMEOUT.toMillis(), (int)
                        Admission.Limits.MAX_HANDSHAKE_TIMEOUT.toMillis()));
    }

    private static Roles roles(Map<String, String> options, String name, String fallback) {
        try {
            return Roles.parse(options.getOrDefault(name, fallback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static Cli relay(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        Optional<String> error = options("relay", args, RELAY_OPTIONS, options, words);
        if (error.isPresent()) {
            return new Cli.Invalid(error.get());
        }
        if (!words.isEmpty()) {
            return new Cli.Invalid("relay takes only options, got '" + words.get(0) + "'");
        }
        if (!options.containsKey("--plant")) {
            return new Cli.Invalid("relay needs --plant FILE: the plant file whose relays it switches");
        }
        try {
            int port = integer(options, "--control-port", 0, 0, 65535);
            String bind = options.getOrDefault("--bind", "127.0.0.1");
            if (bind.isBlank()) {
                return new Cli.Invalid("--bind needs an address, e.g. 127.0.0.1");
            }
            return new Cli.Relay(Path.of(options.get("--plant")), bind, port);
        } catch (IllegalArgumentException e) {
            return new Cli.Invalid(e.getMessage());
        }
    }

    private static Cli ctl(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        Optional<String> error = options("ctl", args, CTL_OPTIONS, options, words);
        if (error.isPresent()) {
            return new Cli.Invalid(error.get());
        }
        if (!options.containsKey("--port")) {
            return new Cli.Invalid("ctl needs --port N (the controller's control port)");
        }
        if (words.isEmpty()) {
            return new Cli.Invalid("ctl needs a command, e.g. 'plc-sim ctl --port 5021 status'");
        }
        try {
            int port = integer(options, "--port", 0, 1, 65535);
            return new Cli.Ctl(options.getOrDefault("--host", "127.0.0.1"), port, String.join(" ", words));
        } catch (IllegalArgumentException e) {
            return new Cli.Invalid(e.getMessage());
        }
    }

    /**
     * Splits {@code --opt value} / {@code --opt=value} pairs from plain words. Options come first:
     * after the first plain word everything is a word (ctl commands may not look like options).
     */
    private static Optional<String> options(
            String command, List<String> args, Set<String> known, Map<String, String> options, List<String> words) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!words.isEmpty() || !arg.startsWith("--")) {
                words.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!known.contains(name) && name.toLowerCase(Locale.ROOT).contains("password")) {
                // Never echo the value: it may be the password itself.
                return Optional.of(name + ": a password is never taken as an argument (other users see arguments in"
                        + " the process list and shells keep them in their history); use " + PASSWORD_FILE + " FILE or "
                        + PASSWORD_ENV + " VAR");
            }
            if (!known.contains(name)) {
                return Optional.of("unknown option '" + name + "' for " + command + "; options: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
            String value;
            if (FLAGS.contains(name)) {
                if (eq >= 0) {
                    return Optional.of("option " + name + " takes no value, got '" + arg + "'");
                }
                value = "true";
            } else if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                return Optional.of("option " + name + " needs a value");
            }
            if (options.put(name, value) != null) {
                return Optional.of("option " + name + " given twice");
            }
        }
        return Optional.empty();
    }

    private static int integer(Map<String, String> options, String name, int fallback, int min, int max) {
        String text = options.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " needs a whole number from " + min + " to " + max + ", got '" + text + "'", e);
        }
        throw new IllegalArgumentException(
                name + " needs a whole number from " + min + " to " + max + ", got '" + text + "'");
    }
}
