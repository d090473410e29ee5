package dev.failover.gateway.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.Identity;
import dev.failover.certs.TestPki;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.CommandPolicy;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.PreferredRole;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.config.TagConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every path through the command guard, with real certificates and signatures. */
class CommandGuardTest {

    private static final String PAIR = "tank-1";

    @TempDir
    static Path pkiDir;

    private static TestPki pki;
    private static Identity alice;

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private NonceStore nonces;
    private CommandGuard guard;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
        alice = pki.identity(pki.operator("alice", "operator"));
    }

    @BeforeEach
    void guard() throws Exception {
        nonces = NonceStore.open(stateDir.resolve("nonces"), clock);
        guard = guard(new PkiSignerChecker(pki.verifier(clock)));
    }

    private CommandGuard guard(SignerChecker checker) {
        return new CommandGuard(CommandPolicy.defaults(), List.of(pair()), checker, nonces, clock);
    }

    @AfterEach
    void close() throws Exception {
        nonces.close();
    }

    static PairConfig pair() {
        return new PairConfig(
                PAIR,
                List.of(
                        new ControllerConfig(
                                "plc-a", PreferredRole.PRIMARY, new ModbusEndpoint("127.0.0.1", 1502, 1), null),
                        new ControllerConfig(
                                "plc-b", PreferredRole.STANDBY, new ModbusEndpoint("127.0.0.1", 1503, 1), null)),
                StatusRegisters.defaults(),
                List.of(
                        new TagConfig("level", 10, TagConfig.TagType.UINT16, 0.01, "%", 0, 100, false, List.of()),
                        new TagConfig(
                                "level_setpoint",
                                20,
                                TagConfig.TagType.UINT16,
                                0.01,
                                "%",
                                0,
                                100,
                                true,
                                List.of("operator"))),
                FailoverPolicy.defaults(),
                null);
    }

    private Command write(String tag, Object value) {
        Instant now = clock.instant();
        return new Command(
                UUID.randomUUID().toString(),
                now,
                now.plusSeconds(60),
                PAIR,
                CommandAction.WRITE_TAG,
                Map.of("tag", tag, "value", value));
    }

    private static byte[] sign(Identity who, byte[] content) {
        return CmsEnvelope.sign(content, who.privateKey(), who.chain());
    }

    private static byte[] sign(Identity who, Command command) {
        return sign(who, command.canonicalJson());
    }

    private RejectReason rejection(byte[] envelope) {
        Decision d = guard.check(envelope);
        assertThat(d).as("decision").isInstanceOf(Decision.Rejected.class);
        return ((Decision.Rejected) d).reason();
    }

    @Test
    void acceptsAFreshCommandFromAnOperatorAllowedToWriteTheTag() {
        Command command = write("level_setpoint", 55.5);

        Decision d = guard.check(sign(alice, command));

        assertThat(d).isInstanceOfSatisfying(Decision.Accepted.class, a -> {
            assertThat(a.command()).isEqualTo(command);
            assertThat(a.role()).isEqualTo("operator");
            assertThat(a.signer()).contains("CN=alice");
        });
    }

    @Test
    void refusesAnOversizedEnvelopeBeforeParsingIt() {
        assertThat(rejection(new byte[16 * 1024 + 1])).isEqualTo(RejectReason.OVERSIZED);
    }

    @Test
    void refusesGarbageAndTruncatedEnvelopes() {
        assertThat(rejection("not a CMS structure".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(RejectReason.MALFORMED);
        byte[] envelope = sign(alice, write("level_setpoint", 50));
        assertThat(rejection(java.util.Arrays.copyOf(envelope, envelope.length / 2)))
                .isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void refusesTamperedContent() {
        byte[] envelope = sign(alice, write("level_setpoint", 50));
        String der = new String(envelope, StandardCharsets.ISO_8859_1);
        int at = der.indexOf("\"value\":50");
        assertThat(at).isPositive();
        envelope[at + "\"value\":".length()] = '9'; // 50 becomes 90: same length, different meaning

        assertThat(rejection(envelope)).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void refusesASignatureByAKeyOtherThanTheCertificates() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        Identity impostor = new Identity("x", generator.generateKeyPair().getPrivate(), alice.chain());

        assertThat(rejection(sign(impostor, write("level_setpoint", 50)))).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void refusesCertificatesThePlantPkiDoesNotVouchFor() throws Exception {
        assertThat(rejection(
                        sign(pki.identity(pki.foreignOperator("mallory", "operator")), write("level_setpoint", 50))))
                .isEqualTo(RejectReason.UNKNOWN_CA);
        assertThat(rejection(sign(pki.identity(pki.expiredOperator("old", "operator")), write("level_setpoint", 50))))
                .isEqualTo(RejectReason.CERTIFICATE_EXPIRED);
        assertThat(rejection(
                        sign(pki.identity(pki.notYetValidOperator("new", "operator")), write("level_setpoint", 50))))
                .isEqualTo(RejectReason.CERTIFICATE_NOT_YET_VALID);
    }

    @Test
    void refusesARevokedSigner() throws Exception {
        Identity bob = pki.identity(pki.revokedOperator("bob", "operator"));
        // A revocation counts from its date, in whole seconds, which may be after this clock's start.
        clock.advance(Duration.ofSeconds(2));
        guard = guard(new PkiSignerChecker(pki.verifier(clock)));

        assertThat(rejection(sign(bob, write("level_setpoint", 50)))).isEqualTo(RejectReason.REVOKED);
    }

    @Test
    void refusesAGatewayCertificateAsCommandSigner() throws Exception {
        Identity gateway = pki.identity(pki.gateway("gw", "gateway"));
        assertThat(rejection(sign(gateway, write("level_setpoint", 50))))
                .isEqualTo(RejectReason.WRONG_CERTIFICATE_USAGE);
    }

    @Test
    void refusesASignerWithoutARole() throws Exception {
        Identity controller = pki.identity(pki.controller("plc-x"));
        guard = guard(signer -> Optional.empty()); // a checker that vouches for anyone: only the role is missing

        assertThat(rejection(sign(controller, write("level_setpoint", 50)))).isEqualTo(RejectReason.NO_ROLE);
    }

    @Test
    void refusesARoleThatMayNotWriteTheTagOrRequestTheAction() throws Exception {
        Identity viewer = pki.identity(pki.operator("victor", "viewer"));
        assertThat(rejection(sign(viewer, write("level_setpoint", 50)))).isEqualTo(RejectReason.ROLE_NOT_PERMITTED);

        Instant now = clock.instant();
        Command switchover = new Command(
                UUID.randomUUID().toString(),
                now,
                now.plusSeconds(60),
                PAIR,
                CommandAction.SWITCHOVER,
                Map.of("reason", "maintenance"));
        Decision d = guard.check(sign(alice, switchover));
        assertThat(d).isInstanceOfSatisfying(Decision.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.ROLE_NOT_PERMITTED);
            assertThat(r.detail()).isEqualTo("role 'operator' may not switchover (allowed: [supervisor, engineer])");
        });
    }

    @Test
    void refusesAReplayedCommandAlsoAfterARestart() throws Exception {
        byte[] envelope = sign(alice, write("level_setpoint", 50));
        assertThat(guard.check(envelope)).isInstanceOf(Decision.Accepted.class);
        assertThat(rejection(envelope)).isEqualTo(RejectReason.REPLAYED);

        nonces.close();
        nonces = NonceStore.open(stateDir.resolve("nonces"), clock);
        guard = guard(new PkiSignerChecker(pki.verifier(clock)));

        assertThat(rejection(envelope)).isEqualTo(RejectReason.REPLAYED);
    }

    @Test
    void refusesCommandsOutsideTheirTimeWindow() {
        byte[] expiring = sign(alice, write("level_setpoint", 50));
        clock.advance(Duration.ofSeconds(61));
        assertThat(rejection(expiring)).isEqualTo(RejectReason.EXPIRED_COMMAND);

        Instant now = clock.instant();
        Command future = new Command(
                UUID.randomUUID().toString(),
                now.plusSeconds(120),
                now.plusSeconds(180),
                PAIR,
                CommandAction.WRITE_TAG,
                Map.of("tag", "level_setpoint", "value", 50));
        assertThat(rejection(sign(alice, future))).isEqualTo(RejectReason.NOT_YET_VALID_COMMAND);

        Command tooLong = new Command(
                UUID.randomUUID().toString(),
                now,
                now.plus(Duration.ofHours(1)),
                PAIR,
                CommandAction.WRITE_TAG,
                Map.of("tag", "level_setpoint", "value", 50));
        assertThat(rejection(sign(alice, tooLong))).isEqualTo(RejectReason.WINDOW_TOO_LONG);
    }

    @Test
    void refusesUnknownPairsActionsAndTags() {
        Instant now = clock.instant();
        Command otherPair = new Command(
                UUID.randomUUID().toString(),
                now,
                now.plusSeconds(60),
                "tank-9",
                CommandAction.WRITE_TAG,
                Map.of("tag", "level_setpoint", "value", 50));
        assertThat(rejection(sign(alice, otherPair))).isEqualTo(RejectReason.UNKNOWN_PAIR);

        assertThat(rejection(sign(alice, write("no_such_tag", 50)))).isEqualTo(RejectReason.UNKNOWN_TAG);

        String explode = new String(write("level_setpoint", 50).canonicalJson(), StandardCharsets.UTF_8)
                .replace("\"write-tag\"", "\"explode\"");
        assertThat(rejection(sign(alice, explode.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(RejectReason.UNKNOWN_ACTION);
    }

    @Test
    void refusesValuesOfTheWrongTypeOrOutOfBounds() {
        assertThat(rejection(sign(alice, write("level_setpoint", 150)))).isEqualTo(RejectReason.OUT_OF_BOUNDS);
        assertThat(rejection(sign(alice, write("level_setpoint", -1)))).isEqualTo(RejectReason.OUT_OF_BOUNDS);
        assertThat(rejection(sign(alice, write("level_setpoint", "high")))).isEqualTo(RejectReason.BAD_ARGUMENT);
        assertThat(rejection(sign(alice, write("level_setpoint", 55.555)))).isEqualTo(RejectReason.BAD_ARGUMENT);
    }

    @Test
    void refusesContentThatIsNotInCanonicalForm() {
        String spaced =
                new String(write("level_setpoint", 50).canonicalJson(), StandardCharsets.UTF_8).replace(",", ", ");
        assertThat(rejection(sign(alice, spaced.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void checksTheSignerBeforeTheCommandSoARevokedSignerIsNeverToldMore() throws Exception {
        Identity carol = pki.identity(pki.revokedOperator("carol", "operator"));
        guard = guard(new PkiSignerChecker(pki.verifier(clock)));
        byte[] expiredAndUnknownTag = sign(carol, write("no_such_tag", 500));
        clock.advance(Duration.ofMinutes(10));

        assertThat(rejection(expiredAndUnknownTag)).isEqualTo(RejectReason.REVOKED);
    }

    /** A guard of two pairs, as the OPC UA server has one method per pair and action. */
    private CommandGuard twoPairGuard() {
        PairConfig first = pair();
        PairConfig second = new PairConfig(
                "tank-2",
                List.of(
                        new ControllerConfig(
                                "plc-c", PreferredRole.PRIMARY, new ModbusEndpoint("127.0.0.1", 1504, 1), null),
                        new ControllerConfig(
                                "plc-d", PreferredRole.STANDBY, new ModbusEndpoint("127.0.0.1", 1505, 1), null)),
                StatusRegisters.defaults(),
                first.tags(),
                FailoverPolicy.defaults(),
                null);
        return new CommandGuard(
                CommandPolicy.defaults(),
                List.of(first, second),
                new PkiSignerChecker(pki.verifier(clock)),
                nonces,
                clock);
    }

    private Command switchover() {
        Instant now = clock.instant();
        return new Command(
                UUID.randomUUID().toString(),
                now,
                now.plusSeconds(60),
                PAIR,
                CommandAction.SWITCHOVER,
                Map.of("reason", "maintenance"));
    }

    @Test
    void refusesACommandForAnotherPairWithoutConsumingItsId() {
        guard = twoPairGuard();
        Command command = write("level_setpoint", 50);
        byte[] envelope = sign(alice, command);

        Decision d = guard.check(envelope, "tank-2", EnumSet.of(CommandAction.WRITE_TAG));

        assertThat(d).isInstanceOfSatisfying(Decision.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TARGET);
            assertThat(r.detail())
                    .isEqualTo("the command is a write-tag for pair tank-1; this method takes [write-tag] for pair"
                            + " tank-2");
            assertThat(r.signer()).contains("CN=alice");
            assertThat(r.commandId()).isEqualTo(command.id());
        });
        // Sent to the wrong method by mistake, the command still runs where it belongs, once.
        assertThat(guard.check(envelope)).isInstanceOf(Decision.Accepted.class);
        assertThat(rejection(envelope)).isEqualTo(RejectReason.REPLAYED);
    }

    @Test
    void refusesAnActionTheMethodDoesNotTakeWithoutConsumingItsId() throws Exception {
        Identity sam = pki.identity(pki.operator("sam", "supervisor"));
        Command command = switchover();
        byte[] envelope = sign(sam, command);

        Decision d = guard.check(envelope, PAIR, EnumSet.of(CommandAction.WRITE_TAG));

        assertThat(d).isInstanceOfSatisfying(Decision.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TARGET);
            assertThat(r.detail())
                    .isEqualTo("the command is a switchover for pair tank-1; this method takes [write-tag] for pair"
                            + " tank-1");
            assertThat(r.commandId()).isEqualTo(command.id());
        });
        assertThat(guard.check(envelope, PAIR, EnumSet.of(CommandAction.SWITCHOVER)))
                .isInstanceOfSatisfying(
                        Decision.Accepted.class, a -> assertThat(a.command()).isEqualTo(command));
        assertThat(rejection(envelope)).isEqualTo(RejectReason.REPLAYED);
    }

    @Test
    void aMethodForAnyPairChecksTheActionOnly() {
        guard = twoPairGuard();
        byte[] envelope = sign(alice, write("level_setpoint", 50));

        Decision wrongAction = guard.check(envelope, null, EnumSet.of(CommandAction.SWITCHOVER));

        assertThat(wrongAction).isInstanceOfSatisfying(Decision.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TARGET);
            assertThat(r.detail())
                    .isEqualTo("the command is a write-tag for pair tank-1; this method takes [switchover]");
        });
        assertThat(guard.check(envelope, null, EnumSet.of(CommandAction.WRITE_TAG)))
                .isInstanceOf(Decision.Accepted.class);
    }

    @Test
    void theTargetIsCheckedAfterTheSignerAndThePairExist() throws Exception {
        Identity dave = pki.identity(pki.revokedOperator("dave", "operator"));
        // The PKIX check counts a revocation from its date (whole seconds) on; issuing took a while.
        clock.advance(Duration.between(clock.instant(), Instant.now()).plusSeconds(1));
        guard = twoPairGuard();
        Instant now = clock.instant();
        Command unknownPair = new Command(
                UUID.randomUUID().toString(),
                now,
                now.plusSeconds(60),
                "tank-9",
                CommandAction.WRITE_TAG,
                Map.of("tag", "level_setpoint", "value", 50));

        assertThat(reason(guard.check(
                        sign(dave, write("level_setpoint", 50)), "tank-2", EnumSet.of(CommandAction.WRITE_TAG))))
                .isEqualTo(RejectReason.REVOKED);
        assertThat(reason(guard.check(sign(alice, unknownPair), "tank-2", EnumSet.of(CommandAction.WRITE_TAG))))
                .isEqualTo(RejectReason.UNKNOWN_PAIR);
    }

    private static RejectReason reason(Decision d) {
        assertThat(d).as("decision").isInstanceOf(Decision.Rejected.class);
        return ((Decision.Rejected) d).reason();
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        synchronized void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
