package dev.failover.gateway.command;

import static dev.failover.gateway.command.GuardFixture.sign;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.Identity;
import dev.failover.certs.TestPki;
import dev.failover.gateway.command.cms.Envelopes;
import dev.failover.gateway.config.CommandAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guard's strict reading of envelopes and commands (issue 11): algorithms off the list, envelopes
 * outside the one accepted form, arguments nobody reads, and reason codes in the documented order.
 */
class StrictEnvelopeTest {

    @RegisterExtension
    static final GuardFixture f = new GuardFixture();

    private static Identity alice;
    private static TestPki pki;

    @BeforeAll
    static void operators() {
        alice = f.alice();
        pki = f.pki();
    }

    private byte[] content(Command command, String from, String to) {
        String json = new String(command.canonicalJson(), StandardCharsets.UTF_8);
        assertThat(json).contains(from);
        return json.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void refusesASha1SignatureAsAnUnsupportedAlgorithm() throws Exception {
        byte[] sha1 = Envelopes.signedWith(f.write("level_setpoint", 50).canonicalJson(), alice, "SHA1withECDSA");

        Decision.Rejected r = f.rejected(sha1);

        assertThat(r.reason()).isEqualTo(RejectReason.UNSUPPORTED_ALGORITHM);
        assertThat(r.detail()).startsWith("digest algorithm SHA1 (1.3.14.3.2.26) is not allowed");
    }

    @Test
    void refusesTwoSignersTheWholeChainAndBerAsMalformed() throws Exception {
        byte[] content = f.write("level_setpoint", 50).canonicalJson();
        Identity sam = pki.identity(pki.operator("sam", "supervisor"));
        Envelopes.Signer byAlice = Envelopes.Signer.of(alice, "SHA256withECDSA");
        byte[] twoSigners = Envelopes.generate(
                content,
                List.of(byAlice, Envelopes.Signer.of(sam, "SHA256withECDSA")),
                List.of(alice.certificate(), sam.certificate()));
        byte[] wholeChain = Envelopes.generate(content, List.of(byAlice), alice.chain());
        byte[] ber = Envelopes.ber(content, alice);

        assertThat(f.rejected(twoSigners).detail()).isEqualTo("the envelope has 2 signers, expected exactly one");
        assertThat(f.rejected(wholeChain).detail()).contains("expected exactly one: the signer's");
        assertThat(f.rejected(ber).detail()).contains("not DER-encoded");
        assertThat(List.of(f.rejection(twoSigners), f.rejection(wholeChain), f.rejection(ber)))
                .containsOnly(RejectReason.MALFORMED);
    }

    @Test
    void refusesArgumentsTheActionDoesNotTakeNamingThem() {
        Command write = f.write("level_setpoint", 50);
        byte[] extraArgument = content(write, "\"tag\":", "\"force\":1,\"tag\":");
        byte[] extraField = content(write, "\"v\":1}", "\"v\":1,\"w\":2}");
        Command switchover = f.command(CommandAction.SWITCHOVER, Map.of("reason", "maintenance", "tag", "level"));

        assertThat(f.rejected(sign(alice, extraArgument)))
                .extracting(Decision.Rejected::reason, Decision.Rejected::detail)
                .containsExactly(
                        RejectReason.UNKNOWN_ARGUMENT, "write-tag takes no argument 'force' (it takes tag, value)");
        assertThat(f.rejected(sign(alice, extraField)))
                .extracting(Decision.Rejected::reason, Decision.Rejected::detail)
                .containsExactly(
                        RejectReason.UNKNOWN_ARGUMENT,
                        "unknown field 'w' in the signed command (it has action, args, expiresAt, id, issuedAt, pair,"
                                + " v)");
        assertThat(f.rejected(sign(alice, switchover)))
                .extracting(Decision.Rejected::reason, Decision.Rejected::detail)
                .containsExactly(RejectReason.UNKNOWN_ARGUMENT, "switchover takes no argument 'tag' (it takes reason)");
    }

    @Test
    void refusesAKeyGivenTwiceNamingIt() {
        Command write = f.write("level_setpoint", 50);
        // Canonical order kept, the second value last: a reader that takes the last one would write 90.
        byte[] twiceValue = content(write, "\"value\":50}", "\"value\":50,\"value\":90}");
        byte[] twicePair = content(write, "\"pair\":\"tank-1\"", "\"pair\":\"tank-1\",\"pair\":\"tank-2\"");

        assertThat(f.rejected(sign(alice, twiceValue)))
                .extracting(Decision.Rejected::reason, Decision.Rejected::detail)
                .containsExactly(RejectReason.UNKNOWN_ARGUMENT, "the key 'value' appears twice in the signed command");
        assertThat(f.rejected(sign(alice, twicePair)).detail())
                .isEqualTo("the key 'pair' appears twice in the signed command");
    }

    @Test
    void refusesMissingOrMistypedArguments() {
        Command noValue = f.command(CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint"));
        Command numericTag = f.command(CommandAction.WRITE_TAG, Map.of("tag", 20, "value", 50));

        assertThat(f.rejected(sign(alice, noValue)))
                .extracting(Decision.Rejected::reason, Decision.Rejected::detail)
                .containsExactly(RejectReason.BAD_ARGUMENT, "write-tag needs the argument 'value'");
        assertThat(f.rejected(sign(alice, numericTag)))
                .extracting(Decision.Rejected::reason, Decision.Rejected::detail)
                .containsExactly(RejectReason.BAD_ARGUMENT, "the argument 'tag' must be a string");
    }

    /**
     * The JDK's PKIX validator checks a certificate's dates before its issuer's signature: without the
     * guard's order, moving notAfter into the past made a tampered certificate CERTIFICATE_EXPIRED.
     * The chain comes first, so it is UNKNOWN_CA whatever the new dates say.
     */
    @Test
    void aCertificateWithTamperedDatesIsRefusedForItsChainNotItsDates() throws Exception {
        X509Certificate original = alice.certificate();
        Instant now = f.clock().instant();
        X509Certificate expiredLooking =
                Envelopes.redated(original, original.getNotBefore().toInstant(), now.minus(Duration.ofDays(1)));
        X509Certificate notYetValidLooking = Envelopes.redated(
                original, now.plus(Duration.ofDays(1)), original.getNotAfter().toInstant());
        X509Certificate stillValidLooking = Envelopes.redated(
                original,
                original.getNotBefore().toInstant().minusSeconds(1),
                original.getNotAfter().toInstant());
        byte[] content = f.write("level_setpoint", 50).canonicalJson();

        for (X509Certificate tampered : List.of(expiredLooking, notYetValidLooking, stillValidLooking)) {
            Identity withTampered = new Identity("alice", alice.privateKey(), List.of(tampered));
            assertThat(f.rejection(sign(withTampered, content)))
                    .as(tampered.getNotBefore() + " .. " + tampered.getNotAfter())
                    .isEqualTo(RejectReason.UNKNOWN_CA);
        }
        Identity expiredTampered = new Identity("alice", alice.privateKey(), List.of(expiredLooking));
        assertThat(f.rejected(sign(expiredTampered, content)).detail())
                .endsWith("does not chain to the plant root: its issuer's signature does not verify (a tampered"
                        + " certificate)");
        // A certificate that really expired (its CA signed those dates) keeps its own reason.
        Identity old = pki.identity(pki.expiredOperator("old", "operator"));
        assertThat(f.rejection(sign(old, content))).isEqualTo(RejectReason.CERTIFICATE_EXPIRED);
    }

    /**
     * Every row fails two or more checks; the reason is always the earliest in the documented order
     * (docs/security.md): structure, algorithms, signature, certificate, role, command form, freshness,
     * target, permission, value, replay.
     */
    @Test
    void theEarliestFailingCheckDecidesTheReason() throws Exception {
        Identity revoked = pki.identity(pki.revokedOperator("rex", "operator"));
        Identity viewer = pki.identity(pki.operator("victor", "viewer"));
        // The PKIX check counts a revocation from its date (whole seconds) on; issuing took a while.
        f.clock().advance(Duration.between(f.clock().instant(), Instant.now()).plusSeconds(2));
        Command unknownArgument = f.write("level_setpoint", 50);
        byte[] unknownArgumentJson = content(unknownArgument, "\"tag\":", "\"force\":1,\"tag\":");
        Instant now = f.clock().instant();
        Command expiredForUnknownPair = new Command(
                UUID.randomUUID().toString(),
                now.minusSeconds(120),
                now.minusSeconds(60),
                "tank-9",
                CommandAction.WRITE_TAG,
                Map.of("tag", "level_setpoint", "value", 50));
        byte[] tamperedByRevoked = sign(revoked, f.write("level_setpoint", 50));
        int at = new String(tamperedByRevoked, StandardCharsets.ISO_8859_1).indexOf("\"value\":50");
        tamperedByRevoked[at + "\"value\":".length()] = '9';

        Map<String, RejectReason> expected = new LinkedHashMap<>();
        Map<String, byte[]> envelopes = new LinkedHashMap<>();
        envelopes.put(
                "BER and SHA-1",
                Envelopes.generated(
                                unknownArgumentJson,
                                List.of(Envelopes.Signer.of(alice, "SHA1withECDSA")),
                                List.of(alice.certificate()))
                        .getEncoded());
        expected.put("BER and SHA-1", RejectReason.MALFORMED);
        envelopes.put(
                "SHA-1, revoked signer, unknown argument",
                Envelopes.signedWith(unknownArgumentJson, revoked, "SHA1withECDSA"));
        expected.put("SHA-1, revoked signer, unknown argument", RejectReason.UNSUPPORTED_ALGORITHM);
        envelopes.put("tampered content, revoked signer", tamperedByRevoked);
        expected.put("tampered content, revoked signer", RejectReason.BAD_SIGNATURE);
        envelopes.put("revoked signer, unknown argument", sign(revoked, unknownArgumentJson));
        expected.put("revoked signer, unknown argument", RejectReason.REVOKED);
        envelopes.put("unknown argument, not permitted", sign(viewer, unknownArgumentJson));
        expected.put("unknown argument, not permitted", RejectReason.UNKNOWN_ARGUMENT);
        envelopes.put("expired, unknown pair", sign(alice, expiredForUnknownPair));
        expected.put("expired, unknown pair", RejectReason.EXPIRED_COMMAND);
        envelopes.put("unknown tag, not permitted", sign(viewer, f.write("no_such_tag", 500)));
        expected.put("unknown tag, not permitted", RejectReason.UNKNOWN_TAG);
        envelopes.put("not permitted, out of bounds", sign(viewer, f.write("level_setpoint", 500)));
        expected.put("not permitted, out of bounds", RejectReason.ROLE_NOT_PERMITTED);

        for (Map.Entry<String, byte[]> e : envelopes.entrySet()) {
            assertThat(f.rejection(e.getValue())).as(e.getKey()).isEqualTo(expected.get(e.getKey()));
        }
    }

    @Test
    void aRefusedCommandNeverUsesUpItsIdAndAReplayIsCheckedLast() throws Exception {
        Command accepted = f.write("level_setpoint", 50);
        assertThat(f.guard().check(sign(alice, accepted))).isInstanceOf(Decision.Accepted.class);
        byte[] storeAfterAccepting = f.replayStore();
        Command outOfBounds = f.write("level_setpoint", 500);
        // The same id as the accepted command, with a value out of bounds: the value check comes first.
        Command sameIdOutOfBounds = new Command(
                accepted.id(),
                accepted.issuedAt(),
                accepted.expiresAt(),
                accepted.pair(),
                accepted.action(),
                Map.of("tag", "level_setpoint", "value", 500));

        assertThat(f.rejection(sign(alice, outOfBounds))).isEqualTo(RejectReason.OUT_OF_BOUNDS);
        assertThat(f.rejection(sign(alice, sameIdOutOfBounds))).isEqualTo(RejectReason.OUT_OF_BOUNDS);

        assertThat(f.remembers(outOfBounds.id())).isFalse();
        assertThat(f.replayStore()).isEqualTo(storeAfterAccepting);
    }

    /**
     * The one change anyone can make to a signed envelope without the key, the ECDSA twin (r, n - s),
     * carries the same command: it runs once, whichever of the two arrives first.
     */
    @Test
    void theEcdsaTwinOfAnAcceptedEnvelopeIsAReplay() throws Exception {
        byte[] envelope = sign(alice, f.write("level_setpoint", 50));
        byte[] twin = Envelopes.ecdsaTwin(envelope, alice);

        assertThat(f.guard().check(twin)).isInstanceOf(Decision.Accepted.class);
        assertThat(f.rejection(envelope)).isEqualTo(RejectReason.REPLAYED);
    }
}
