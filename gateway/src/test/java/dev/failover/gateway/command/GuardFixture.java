package dev.failover.gateway.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.Identity;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.gateway.command.CommandGuardTest.MutableClock;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.CommandPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension (register it as a static field): a command guard as the gateway builds it, over
 * pair {@code tank-1} of {@link CommandGuardTest#pair()} with the default policy, PKIX signer checks
 * against a real test PKI with the gateway's verdict cache, and a replay store on disk, on a clock
 * the test moves. The PKI and operator {@code alice} are made once per test class; the clock, the
 * replay store and the guard are fresh for each test.
 */
final class GuardFixture implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    static final String PAIR = "tank-1";

    private Path pkiDir;
    private TestPki pki;
    private Identity alice;
    private Path stateDir;
    private MutableClock clock;
    private NonceStore nonces;
    private CommandGuard guard;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, PkiException {
        pkiDir = Files.createTempDirectory("guard-pki");
        pki = TestPki.create(pkiDir);
        alice = pki.identity(pki.operator("alice", "operator"));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        stateDir = Files.createTempDirectory("guard-state");
        clock = new MutableClock(Instant.now());
        nonces = NonceStore.open(stateDir.resolve("nonces"), clock);
        guard = new CommandGuard(
                CommandPolicy.defaults(),
                List.of(CommandGuardTest.pair()),
                new PkiSignerChecker(pki.verifier(clock), pki.crlFile(), clock, Duration.ofSeconds(10)),
                nonces,
                clock);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        nonces.close();
        delete(stateDir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        delete(pkiDir);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    TestPki pki() {
        return pki;
    }

    /** An operator certificate with the role {@code operator}. */
    Identity alice() {
        return alice;
    }

    MutableClock clock() {
        return clock;
    }

    CommandGuard guard() {
        return guard;
    }

    /** A fresh write of {@code value} to {@code tag}, valid for a minute. */
    Command write(String tag, Object value) {
        return command(CommandAction.WRITE_TAG, Map.of("tag", tag, "value", value));
    }

    Command command(CommandAction action, Map<String, Object> args) {
        Instant now = clock.instant();
        return new Command(UUID.randomUUID().toString(), now, now.plusSeconds(60), PAIR, action, args);
    }

    static byte[] sign(Identity who, byte[] content) {
        return CmsEnvelope.sign(content, who.privateKey(), who.chain());
    }

    static byte[] sign(Identity who, Command command) {
        return sign(who, command.canonicalJson());
    }

    /** The guard's rejection of {@code envelope}; fails the test if it is accepted. */
    Decision.Rejected rejected(byte[] envelope) {
        Decision d = guard.check(envelope);
        assertThat(d).as("decision").isInstanceOf(Decision.Rejected.class);
        return (Decision.Rejected) d;
    }

    RejectReason rejection(byte[] envelope) {
        return rejected(envelope).reason();
    }

    boolean remembers(String id) {
        return nonces.contains(id);
    }

    /** The replay store's file, to show a refused envelope changed nothing. */
    byte[] replayStore() throws IOException {
        return Files.readAllBytes(stateDir.resolve("nonces"));
    }
}
