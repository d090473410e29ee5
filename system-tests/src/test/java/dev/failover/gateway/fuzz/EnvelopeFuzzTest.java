package dev.failover.gateway.fuzz;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the command guard with mutations of signed commands (CommandGuard.check, the decoder every
 * transport uses): every input gets a decision with a reason code and a detail, nothing escapes, and
 * the replay store changes only for a command that passed every check up to the replay check.
 *
 * <p>Before the strict envelope decoder (issue 11), about one input in a hundred (bit flips in the
 * embedded certificates, mostly) made BouncyCastle throw IllegalArgumentException, ClassCastException
 * or IllegalStateException out of CmsEnvelope.open, past the guard.
 */
class EnvelopeFuzzTest {

    /** DER and BER fragments: lengths, an indefinite length, end-of-contents, tags of the CMS structures. */
    private static final List<byte[]> DER_TOKENS = List.of(
            new byte[] {0x30, (byte) 0x80},
            new byte[] {0x00, 0x00},
            new byte[] {(byte) 0x81, (byte) 0xff},
            new byte[] {(byte) 0x82, (byte) 0xff, (byte) 0xff},
            new byte[] {(byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            new byte[] {(byte) 0xa0, (byte) 0x80},
            new byte[] {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x07, 0x02},
            new byte[] {0x02, 0x01, 0x00},
            new byte[] {0x04, 0x00},
            new byte[] {0x31, 0x00},
            new byte[] {0x05, 0x00});

    @TempDir
    Path dir;

    @Test
    void everyEnvelopeGetsADecisionAndOnlyACheckedIdIsRemembered() throws Exception {
        try (CommandFixture fixture = CommandFixture.create(dir)) {
            FuzzRun run = FuzzRun.of("envelope", 20261212L, 20_000);
            List<byte[]> nesting = List.of(new byte[] {0x30, (byte) 0x80}, new byte[] {0x30, (byte) 0x82, 0x01, 0x00});

            run.run(new Mutator(run.seed(), fixture.envelopes(true), DER_TOKENS, nesting), fixture::check);
        }
    }
}
