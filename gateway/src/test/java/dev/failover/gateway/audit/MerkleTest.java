package dev.failover.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The Merkle tree against the published RFC 6962 test data (the Certificate Transparency reference
 * leaves, roots for every size 0 to 8, and inclusion and consistency proofs), then every proof of
 * trees up to 40 leaves made and verified, and tampered proofs refused.
 */
class MerkleTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The reference leaves of RFC 6962's test data. */
    private static final List<byte[]> LEAVES = List.of(
                    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
            .stream()
            .map(HEX::parseHex)
            .map(Merkle::leafHash)
            .toList();

    /** The roots of the trees of their first 0 to 8 leaves. */
    private static final List<String> ROOTS = List.of(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    private static byte[] root(int size) {
        return HEX.parseHex(ROOTS.get(size));
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }

    @Test
    void theRootsOfEverySizeAreTheReferenceRoots() {
        Merkle.Frontier frontier = new Merkle.Frontier();
        assertThat(HEX.formatHex(Merkle.root(List.of()))).isEqualTo(ROOTS.getFirst());
        assertThat(HEX.formatHex(frontier.root())).isEqualTo(ROOTS.getFirst());
        for (int n = 1; n <= LEAVES.size(); n++) {
            frontier.append(LEAVES.get(n - 1));
            assertThat(HEX.formatHex(Merkle.root(LEAVES.subList(0, n))))
                    .as("size " + n)
                    .isEqualTo(ROOTS.get(n));
            assertThat(HEX.formatHex(frontier.root())).as("frontier, size " + n).isEqualTo(ROOTS.get(n));
        }
    }

    @Test
    void theReferenceInclusionProofsAreMadeAndVerified() {
        record Case(int index, int size, List<String> proof) {}
        List<Case> cases = List.of(
                new Case(
                        0,
                        8,
                        List.of(
                                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
                new Case(
                        5,
                        8,
                        List.of(
                                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
                new Case(2, 3, List.of("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
                new Case(
                        1,
                        5,
                        List.of(
                                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));
        for (Case c : cases) {
            List<byte[]> proof = Merkle.inclusionProof(c.index(), LEAVES.subList(0, c.size()));
            assertThat(hex(proof)).as(c.toString()).isEqualTo(c.proof());
            assertThat(Merkle.verifyInclusion(c.index(), c.size(), LEAVES.get(c.index()), proof, root(c.size())))
                    .as(c.toString())
                    .isTrue();
            assertThat(Merkle.verifyInclusion(c.index(), c.size(), LEAVES.get(c.index()), proof, root(0)))
                    .isFalse();
        }
    }

    @Test
    void theReferenceConsistencyProofsAreMadeAndVerified() {
        record Case(int first, int second, List<String> proof) {}
        List<Case> cases = List.of(
                new Case(1, 1, List.of()),
                new Case(
                        1,
                        8,
                        List.of(
                                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
                new Case(
                        6,
                        8,
                        List.of(
                                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
                new Case(
                        2,
                        5,
                        List.of(
                                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));
        for (Case c : cases) {
            List<byte[]> proof = Merkle.consistencyProof(c.first(), LEAVES.subList(0, c.second()));
            assertThat(hex(proof)).as(c.toString()).isEqualTo(c.proof());
            assertThat(Merkle.verifyConsistency(c.first(), c.second(), proof, root(c.first()), root(c.second())))
                    .as(c.toString())
                    .isTrue();
        }
    }

    private static List<byte[]> leaves(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> Merkle.leafHash(("record " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .toList();
    }

    private static byte[] flipped(byte[] hash) {
        byte[] bad = hash.clone();
        bad[0] ^= 1;
        return bad;
    }

    @Test
    void everyLeafOfEveryTreeUpTo40ProvesItsInclusionAndATamperedProofFails() {
        for (int n = 1; n <= 40; n++) {
            List<byte[]> leaves = leaves(n);
            byte[] root = Merkle.root(leaves);
            for (int i = 0; i < n; i++) {
                List<byte[]> proof = Merkle.inclusionProof(i, leaves);
                assertThat(Merkle.verifyInclusion(i, n, leaves.get(i), proof, root))
                        .as("leaf %d of %d", i, n)
                        .isTrue();
                assertThat(Merkle.verifyInclusion(i, n, flipped(leaves.get(i)), proof, root))
                        .isFalse();
                if (n > 1) {
                    assertThat(Merkle.verifyInclusion((i + 1) % n, n, leaves.get(i), proof, root))
                            .as("another index")
                            .isFalse();
                    List<byte[]> bad = new ArrayList<>(proof);
                    bad.set(0, flipped(bad.getFirst()));
                    assertThat(Merkle.verifyInclusion(i, n, leaves.get(i), bad, root))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void everyPairOfSizesUpTo40IsConsistentAndARewrittenPrefixIsNot() {
        List<byte[]> all = leaves(40);
        for (int n = 1; n <= 40; n++) {
            List<byte[]> leaves = all.subList(0, n);
            byte[] rootN = Merkle.root(leaves);
            for (int m = 1; m <= n; m++) {
                byte[] rootM = Merkle.root(leaves.subList(0, m));
                List<byte[]> proof = Merkle.consistencyProof(m, leaves);
                assertThat(Merkle.verifyConsistency(m, n, proof, rootM, rootN))
                        .as("%d -> %d", m, n)
                        .isTrue();
                if (m < n) {
                    assertThat(Merkle.verifyConsistency(m, n, proof, flipped(rootM), rootN))
                            .as("a rewritten prefix %d -> %d", m, n)
                            .isFalse();
                    assertThat(Merkle.verifyConsistency(m, n, proof, rootM, flipped(rootN)))
                            .isFalse();
                }
            }
        }
    }
}
