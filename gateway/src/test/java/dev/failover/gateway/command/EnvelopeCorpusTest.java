package dev.failover.gateway.command;

import static dev.failover.gateway.command.GuardFixture.sign;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.command.cms.Envelopes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bit flips at every position and every truncation of a valid envelope, through the guard: each is
 * refused with a reason code (never an exception, never accepted) and leaves the replay store as it
 * was. With one accepted encoding per command no flipped bit can be "harmless": a flip in a byte
 * nobody reads would still be a second encoding, and refused as such.
 */
class EnvelopeCorpusTest {

    /**
     * What a flipped bit can break, in check order: the form (MALFORMED), the algorithm identifiers and
     * the key's curve (UNSUPPORTED_ALGORITHM), the signature, or the certificate's issuer signature
     * (UNKNOWN_CA: a flip in the certificate's dates is a tampered certificate, not an expired one).
     */
    private static final Set<RejectReason> FLIP_REASONS = Set.of(
            RejectReason.MALFORMED,
            RejectReason.UNSUPPORTED_ALGORITHM,
            RejectReason.BAD_SIGNATURE,
            RejectReason.UNKNOWN_CA);

    /**
     * The bits flipped at each position: the lowest, the constructed-form bit of a tag (0x20), the
     * long-form bit of a length and the class of a tag (0x80), one in between, and all of them. All
     * eight single bits take about 20 s on two cores, most of it in PKIX checks of flipped certificates.
     */
    private static final int[] MASKS = {0x01, 0x04, 0x20, 0x80, 0xFF};

    @RegisterExtension
    static final GuardFixture f = new GuardFixture();

    @Test
    void bitFlipsAtEveryPositionAndEveryTruncationAreRefusedWithAReasonAndChangeNothing() throws Exception {
        Command command = f.write("level_setpoint", 50);
        byte[] valid = sign(f.alice(), command);
        byte[] storeBefore = f.replayStore();
        Map<RejectReason, Integer> flips = new EnumMap<>(RejectReason.class);
        List<String> accepted = new ArrayList<>();

        for (int position = 0; position < valid.length; position++) {
            for (int mask : MASKS) {
                byte[] mutant = valid.clone();
                mutant[position] ^= (byte) mask;
                Decision d = f.guard().check(mutant);
                if (d instanceof Decision.Rejected r) {
                    flips.merge(r.reason(), 1, Integer::sum);
                    assertThat(r.detail())
                            .as("byte %d mask %x: one line, not the guard's last-resort catch", position, mask)
                            .doesNotContain("\n")
                            .doesNotStartWith("the envelope cannot be checked")
                            .isNotBlank();
                } else {
                    accepted.add("byte " + position + " mask " + Integer.toHexString(mask));
                }
            }
        }
        for (int length = 0; length < valid.length; length++) {
            assertThat(f.rejection(Arrays.copyOf(valid, length)))
                    .as("truncated to " + length + " bytes")
                    .isEqualTo(RejectReason.MALFORMED);
        }

        assertThat(accepted).as("accepted mutants").isEmpty();
        assertThat(flips.keySet()).as("reasons of flipped envelopes: " + flips).isSubsetOf(FLIP_REASONS);
        assertThat(flips.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(MASKS.length * valid.length);
        assertThat(f.replayStore()).as("the replay store").isEqualTo(storeBefore);
        assertThat(f.remembers(command.id())).isFalse();
        // The original, after all that, is still the command it was.
        assertThat(f.guard().check(valid)).isInstanceOf(Decision.Accepted.class);
        assertThat(f.remembers(command.id())).isTrue();
    }

    @Test
    void craftedEnvelopesAreRefusedWithTheirReasonAndChangeNothing() throws Exception {
        byte[] content = f.write("level_setpoint", 50).canonicalJson();
        String json = new String(content, StandardCharsets.UTF_8);
        byte[] nested = new byte[16 * 1024];
        for (int i = 0; i < nested.length; i += 2) {
            nested[i] = 0x30;
            nested[i + 1] = (byte) 0x80;
        }
        Envelopes.Signer byAlice = Envelopes.Signer.of(f.alice(), "SHA256withECDSA");
        Map<String, byte[]> crafted = new LinkedHashMap<>();
        crafted.put("nested indefinite lengths", nested);
        crafted.put("BER", Envelopes.ber(content, f.alice()));
        crafted.put(
                "two signers",
                Envelopes.generate(
                        content, List.of(byAlice, byAlice), List.of(f.alice().certificate())));
        crafted.put(
                "the whole chain",
                Envelopes.generate(content, List.of(byAlice), f.alice().chain()));
        crafted.put("SHA-1", Envelopes.signedWith(content, f.alice(), "SHA1withECDSA"));
        crafted.put(
                "unknown argument",
                sign(f.alice(), json.replace("\"tag\":", "\"force\":1,\"tag\":").getBytes(StandardCharsets.UTF_8)));
        crafted.put(
                "duplicate key",
                sign(
                        f.alice(),
                        json.replace("\"value\":50}", "\"value\":50,\"value\":90}")
                                .getBytes(StandardCharsets.UTF_8)));
        Map<String, RejectReason> reasons = new LinkedHashMap<>();
        byte[] storeBefore = f.replayStore();

        crafted.forEach((name, envelope) -> reasons.put(name, f.rejection(envelope)));

        assertThat(reasons)
                .containsExactly(
                        Map.entry("nested indefinite lengths", RejectReason.MALFORMED),
                        Map.entry("BER", RejectReason.MALFORMED),
                        Map.entry("two signers", RejectReason.MALFORMED),
                        Map.entry("the whole chain", RejectReason.MALFORMED),
                        Map.entry("SHA-1", RejectReason.UNSUPPORTED_ALGORITHM),
                        Map.entry("unknown argument", RejectReason.UNKNOWN_ARGUMENT),
                        Map.entry("duplicate key", RejectReason.UNKNOWN_ARGUMENT));
        assertThat(f.replayStore()).isEqualTo(storeBefore);
    }
}
