package dev.failover.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.Identity;
import dev.failover.certs.TestPki;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.CommandGuard;
import dev.failover.gateway.command.Decision;
import dev.failover.gateway.command.NonceStore;
import dev.failover.gateway.command.PkiSignerChecker;
import dev.failover.gateway.command.RejectReason;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.CommandPolicy;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.testkit.SimPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the envelope and control-endpoint harnesses share: a test plant PKI with operators of each
 * role and some that must be refused, one pair with a tag of each kind, the command guard over them
 * with a replay store on disk, and a corpus of signed commands, each decided for a different reason.
 * The clock stands still, so that a long run's commands never expire.
 */
final class CommandFixture implements AutoCloseable {

    static final String PAIR = SimPair.PAIR;

    /** How the guard's detail starts when a check threw instead of deciding (CommandGuard). */
    static final String UNCHECKED = "the envelope cannot be checked";

    /** Reasons the guard gives only after it remembered the command's id: the value's checks. */
    private static final Set<RejectReason> AFTER_REPLAY_CHECK =
            EnumSet.of(RejectReason.BAD_ARGUMENT, RejectReason.OUT_OF_BOUNDS);

    private final TestPki pki;
    private final Clock clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);
    private final Path nonceFile;
    private final NonceStore nonces;
    private final CommandGuard guard;
    private int ids;

    private CommandFixture(Path dir) throws Exception {
        pki = TestPki.create(dir);
        nonceFile = dir.resolve("state").resolve("nonces");
        nonces = NonceStore.open(nonceFile, clock);
        guard = new CommandGuard(
                CommandPolicy.defaults(), List.of(pair()), new PkiSignerChecker(pki.verifier(clock)), nonces, clock);
    }

    static CommandFixture create(Path dir) throws Exception {
        return new CommandFixture(dir);
    }

    TestPki pki() {
        return pki;
    }

    Clock clock() {
        return clock;
    }

    CommandGuard guard() {
        return guard;
    }

    Path nonceFile() {
        return nonceFile;
    }

    /** The bench's pair (tank-1, plc-a and plc-b) with one tag of each register type. */
    static PairConfig pair() {
        PairConfig bench =
                SimPair.config(FailoverPolicy.defaults(), 1502, 1503, 0).pairs().getFirst();
        return new PairConfig(
                bench.name(),
                bench.controllers(),
                bench.registers(),
                List.of(
                        new TagConfig("level_sp", 10, TagType.UINT16, 0.01, "%", 0, 100, true, List.of("operator")),
                        new TagConfig("offset", 11, TagType.INT16, 1, "mm", -500, 500, false, List.of("operator")),
                        new TagConfig("flow", 12, TagType.FLOAT32, 1, "l/s", -1e6, 1e6, false, List.of("engineer")),
                        new TagConfig("count", 14, TagType.UINT32, 1, "", 0, 4e9, false, List.of())),
                bench.failover(),
                null);
    }

    /**
     * Signed commands the guard decides for different reasons. With {@code acceptable} false, only
     * commands the guard refuses before it remembers their id.
     */
    List<byte[]> envelopes(boolean acceptable) throws Exception {
        Identity alice = identity(pki.operator("alice", "operator"));
        Identity victor = identity(pki.operator("victor", "viewer"));
        Identity erin = identity(pki.operator("erin", "engineer"));
        List<byte[]> envelopes = new ArrayList<>(List.of(
                sign(victor, CommandAction.WRITE_TAG, Map.of("tag", "level_sp", "value", 50)),
                sign(alice, CommandAction.SWITCHOVER, Map.of("reason", "maintenance")),
                sign(alice, CommandAction.START_DRILL, Map.of("reason", "drill ".repeat(1500))),
                sign(alice, CommandAction.WRITE_TAG, Map.of("tag", "count", "value", 7)),
                sign(alice, CommandAction.WRITE_TAG, Map.of("tag", "no_such_tag", "value", 1)),
                sign(identity(pki.foreignOperator("mallory", "operator")), CommandAction.WRITE_TAG, write(1)),
                sign(identity(pki.expiredOperator("old", "operator")), CommandAction.WRITE_TAG, write(2)),
                sign(identity(pki.gateway("gw", "gateway")), CommandAction.WRITE_TAG, write(3)),
                CmsEnvelope.sign(
                        new String(command(CommandAction.WRITE_TAG, write(4)).canonicalJson(), StandardCharsets.UTF_8)
                                .replace(",", ", ")
                                .getBytes(StandardCharsets.UTF_8),
                        alice.privateKey(),
                        alice.chain()),
                CmsEnvelope.sign(
                        new Command(
                                        "fuzz-other-pair",
                                        clock.instant(),
                                        clock.instant().plusSeconds(60),
                                        "tank-9",
                                        CommandAction.SWITCHOVER,
                                        Map.of())
                                .canonicalJson(),
                        alice.privateKey(),
                        alice.chain()),
                "not a CMS structure".getBytes(StandardCharsets.UTF_8)));
        if (acceptable) {
            envelopes.addAll(List.of(
                    sign(alice, CommandAction.WRITE_TAG, write(55.5)),
                    sign(alice, CommandAction.WRITE_TAG, Map.of("tag", "offset", "value", -500)),
                    sign(erin, CommandAction.WRITE_TAG, Map.of("tag", "flow", "value", -12.25)),
                    sign(erin, CommandAction.START_DRILL, Map.of("reason", "quarterly drill")),
                    sign(alice, CommandAction.WRITE_TAG, write(150)),
                    sign(alice, CommandAction.WRITE_TAG, write(55.555))));
        }
        return envelopes;
    }

    private static Map<String, Object> write(Object value) {
        return Map.of("tag", "level_sp", "value", value);
    }

    private Command command(CommandAction action, Map<String, Object> args) {
        Instant now = clock.instant();
        return new Command("fuzz-command-" + ++ids, now, now.plusSeconds(60), PAIR, action, args);
    }

    private byte[] sign(Identity who, CommandAction action, Map<String, Object> args) {
        return CmsEnvelope.sign(command(action, args).canonicalJson(), who.privateKey(), who.chain());
    }

    private Identity identity(dev.failover.certs.IssuedCertificate certificate) throws Exception {
        return pki.identity(certificate);
    }

    /**
     * Checks one envelope with the guard: a decision with a reason and a detail, and the replay store
     * changed only for an accepted command or one refused for its value, checked after its id.
     *
     * @return the decision's label for the tally
     */
    String check(byte[] envelope) throws IOException {
        long before = Files.size(nonceFile);
        Decision decision = guard.check(envelope);
        long after = Files.size(nonceFile);
        return switch (decision) {
            case Decision.Accepted a -> {
                assertThat(nonces.contains(a.command().id()))
                        .as("accepted id remembered")
                        .isTrue();
                assertThat(after).as("replay store after an accepted command").isGreaterThan(before);
                yield "ACCEPTED";
            }
            case Decision.Rejected r -> {
                // "cannot be checked" is the guard's last resort for an exception it did not expect.
                assertThat(r.detail())
                        .as("detail of %s", r.reason())
                        .isNotBlank()
                        .doesNotStartWith(CommandFixture.UNCHECKED);
                if (after != before) {
                    assertThat(r.reason())
                            .as("a refusal that changed the replay store")
                            .isIn(AFTER_REPLAY_CHECK);
                    assertThat(nonces.contains(r.commandId())).isTrue();
                }
                yield r.reason().name();
            }
        };
    }

    @Override
    public void close() throws IOException {
        nonces.close();
    }
}
