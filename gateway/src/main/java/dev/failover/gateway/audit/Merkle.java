package dev.failover.gateway.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0, as RFC 6962 before it) over the audit
 * log's records, with SHA-256: a leaf hash is {@code SHA-256(0x00 || record)}, an interior node
 * {@code SHA-256(0x01 || left || right)}, and a tree of n leaves splits at the largest power of two
 * below n. Inclusion and consistency proofs are made and verified as the RFC's sections 2.1.3 and
 * 2.1.4 say, so that any RFC 9162 implementation can check this log's checkpoints. Stateless.
 */
public final class Merkle {

    /** The size of every hash, in bytes. */
    public static final int HASH_BYTES = 32;

    private Merkle() {}

    /** {@code SHA-256(0x00 || data)}. */
    public static byte[] leafHash(byte[] data) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x00);
        return sha.digest(data);
    }

    /** {@code SHA-256(0x01 || left || right)}. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x01);
        sha.update(left);
        return sha.digest(right);
    }

    /** The root of the tree over {@code leafHashes}; of no leaves, {@code SHA-256("")}. */
    public static byte[] root(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            return sha256().digest();
        }
        return mth(leafHashes);
    }

    private static byte[] mth(List<byte[]> d) {
        if (d.size() == 1) {
            return d.getFirst();
        }
        int k = split(d.size());
        return nodeHash(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    /** The largest power of two smaller than {@code n} (n at least 2). */
    private static int split(int n) {
        return Integer.highestOneBit(n - 1);
    }

    /** The audit path of leaf {@code index} in the tree over {@code leafHashes} (RFC 9162 2.1.3.1). */
    public static List<byte[]> inclusionProof(int index, List<byte[]> leafHashes) {
        if (index < 0 || index >= leafHashes.size()) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + leafHashes.size());
        }
        List<byte[]> proof = new ArrayList<>();
        path(index, leafHashes, proof);
        return proof;
    }

    private static void path(int m, List<byte[]> d, List<byte[]> out) {
        if (d.size() <= 1) {
            return;
        }
        int k = split(d.size());
        if (m < k) {
            path(m, d.subList(0, k), out);
            out.add(mth(d.subList(k, d.size())));
        } else {
            path(m - k, d.subList(k, d.size()), out);
            out.add(mth(d.subList(0, k)));
        }
    }

    /**
     * The consistency proof between the tree of the first {@code first} leaves and the tree over all of
     * {@code leafHashes} (RFC 9162 2.1.4.1).
     */
    public static List<byte[]> consistencyProof(int first, List<byte[]> leafHashes) {
        if (first < 1 || first > leafHashes.size()) {
            throw new IllegalArgumentException(
                    "no consistency proof from " + first + " leaves to " + leafHashes.size());
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(first, leafHashes, true, proof);
        return proof;
    }

    private static void subproof(int m, List<byte[]> d, boolean whole, List<byte[]> out) {
        int n = d.size();
        if (m == n) {
            if (!whole) {
                out.add(mth(d));
            }
            return;
        }
        int k = split(n);
        if (m <= k) {
            subproof(m, d.subList(0, k), whole, out);
            out.add(mth(d.subList(k, n)));
        } else {
            subproof(m - k, d.subList(k, n), false, out);
            out.add(mth(d.subList(0, k)));
        }
    }

    /** Whether {@code proof} shows leaf {@code index} with {@code leafHash} in the tree of {@code size} with {@code root} (RFC 9162 2.1.3.2). */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /**
     * Whether {@code proof} shows that the tree of {@code first} leaves with {@code firstRoot} is a
     * prefix of the tree of {@code second} leaves with {@code secondRoot} (RFC 9162 2.1.4.2).
     */
    public static boolean verifyConsistency(
            long first, long second, List<byte[]> proof, byte[] firstRoot, byte[] secondRoot) {
        if (first < 0 || second < first) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty();
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(first) == 1) {
            path.addFirst(firstRoot);
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.getFirst();
        byte[] sr = path.getFirst();
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }

    /**
     * The root of a growing tree, kept as the roots of its perfect subtrees (at most one per bit of
     * its size): appending a leaf and reading the root take O(log n) hashes and memory. Not
     * thread-safe.
     */
    public static final class Frontier {

        private final List<byte[]> subtrees = new ArrayList<>();
        private final List<Long> sizes = new ArrayList<>();
        private long size;

        /** Appends a leaf by its hash. */
        public void append(byte[] leafHash) {
            byte[] h = leafHash;
            long s = 1;
            while (!sizes.isEmpty() && sizes.getLast() == s) {
                h = nodeHash(subtrees.removeLast(), h);
                s += sizes.removeLast();
            }
            subtrees.add(h);
            sizes.add(s);
            size++;
        }

        /** Forgets every leaf. */
        public void clear() {
            subtrees.clear();
            sizes.clear();
            size = 0;
        }

        /** The number of leaves. */
        public long size() {
            return size;
        }

        /** The root of the tree of all leaves so far. */
        public byte[] root() {
            if (subtrees.isEmpty()) {
                return sha256().digest();
            }
            byte[] r = subtrees.getLast();
            for (int i = subtrees.size() - 2; i >= 0; i--) {
                r = nodeHash(subtrees.get(i), r);
            }
            return Arrays.copyOf(r, r.length);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
