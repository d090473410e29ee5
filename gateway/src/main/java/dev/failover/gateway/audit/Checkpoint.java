package dev.failover.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint of the audit log: its origin, its size and the root of the Merkle tree over its first
 * {@code size} records, at a time, in the layout of a C2SP tlog-checkpoint, signed as a C2SP signed
 * note:
 *
 * <pre>
 * failover-gateway/line-3-gateway       origin
 * 1024                                  tree size
 * 3q2+7w...=                            root, base64
 * time 2026-12-07T08:00:00Z             extension line
 *                                       (blank line)
 * — line-3-gateway-audit Ab3d...=       key name, base64 of key ID (4 bytes) and signature
 * </pre>
 *
 * The signature is ECDSA P-256 with SHA-256 (DER) over the note's text (its lines up to the blank
 * line, each with its line end), with the audit key from the plant PKI; the key ID is the first four
 * bytes of SHA-256(key name, a line feed, the byte 0xFF, the key's SubjectPublicKeyInfo). Signed-note
 * verifiers that know only Ed25519 keys will not know this one: the gateway's verifier checks it
 * against the plant CA.
 */
public record Checkpoint(String origin, long size, byte[] root, Instant time) {

    private static final String DASH = "\u2014 ";
    private static final byte SIGNATURE_TYPE = (byte) 0xFF;

    public Checkpoint {
        if (origin.isBlank() || origin.contains("\n")) {
            throw new IllegalArgumentException("a checkpoint origin is one non-empty line");
        }
        if (size < 0 || root.length != Merkle.HASH_BYTES) {
            throw new IllegalArgumentException("a checkpoint has a size of 0 or more and a 32-byte root");
        }
        root = root.clone();
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    /** The text that is signed. */
    public String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\ntime " + time + "\n";
    }

    /** The signed note: the body, a blank line and one signature line. */
    public String sign(String keyName, PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(body().getBytes(StandardCharsets.UTF_8));
        byte[] signature = signer.sign();
        byte[] idAndSignature = new byte[4 + signature.length];
        System.arraycopy(keyId(keyName, publicKey), 0, idAndSignature, 0, 4);
        System.arraycopy(signature, 0, idAndSignature, 4, signature.length);
        return body() + "\n" + DASH + keyName + " " + Base64.getEncoder().encodeToString(idAndSignature) + "\n";
    }

    /** The first four bytes of SHA-256(key name, LF, 0xFF, SubjectPublicKeyInfo). */
    static byte[] keyId(String keyName, PublicKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(keyName.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(SIGNATURE_TYPE);
            return Arrays.copyOf(sha.digest(key.getEncoded()), 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Thrown for a note that is malformed or whose signature does not verify, with why. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * The checkpoint a signed note carries, once its signature by {@code keyName} with {@code key} is
     * verified.
     *
     * @throws Invalid naming what is wrong: the layout, the key name or ID, or the signature
     */
    public static Checkpoint verify(String note, String keyName, PublicKey key) throws Invalid {
        int blank = note.indexOf("\n\n");
        if (blank < 0) {
            throw new Invalid("no blank line between the text and the signatures");
        }
        String body = note.substring(0, blank + 1);
        Checkpoint checkpoint = parse(body);
        byte[] expectedId = keyId(keyName, key);
        boolean signedByOthers = false;
        for (String line : note.substring(blank + 2).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith(DASH)) {
                throw new Invalid("a signature line must start with an em dash and a space: " + line);
            }
            String[] parts = line.substring(DASH.length()).split(" ");
            if (parts.length != 2) {
                throw new Invalid("a signature line is '— <key name> <base64>': " + line);
            }
            byte[] idAndSignature;
            try {
                idAndSignature = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new Invalid("the signature of " + parts[0] + " is not base64");
            }
            if (!parts[0].equals(keyName)
                    || idAndSignature.length < 5
                    || !MessageDigest.isEqual(Arrays.copyOf(idAndSignature, 4), expectedId)) {
                signedByOthers = true;
                continue;
            }
            try {
                Signature verifier = Signature.getInstance("SHA256withECDSA");
                verifier.initVerify(key);
                verifier.update(body.getBytes(StandardCharsets.UTF_8));
                if (verifier.verify(Arrays.copyOfRange(idAndSignature, 4, idAndSignature.length))) {
                    return checkpoint;
                }
            } catch (GeneralSecurityException e) {
                throw new Invalid("the signature of " + keyName + " cannot be checked: " + e.getMessage());
            }
            throw new Invalid("the signature of " + keyName + " does not verify: the text was changed or"
                    + " another key signed it");
        }
        throw new Invalid(signedByOthers ? "not signed by " + keyName + " (only by other keys)" : "no signature line");
    }

    /** The checkpoint in a note's text (unverified). */
    static Checkpoint parse(String body) throws Invalid {
        List<String> lines = body.lines().toList();
        if (lines.size() < 3) {
            throw new Invalid("a checkpoint has an origin, a size and a root line");
        }
        long size;
        try {
            size = Long.parseLong(lines.get(1));
        } catch (NumberFormatException e) {
            throw new Invalid("the size line is not a number: " + lines.get(1));
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines.get(2));
        } catch (IllegalArgumentException e) {
            throw new Invalid("the root line is not base64: " + lines.get(2));
        }
        Optional<String> time =
                lines.stream().skip(3).filter(l -> l.startsWith("time ")).findFirst();
        try {
            return new Checkpoint(
                    lines.get(0),
                    size,
                    root,
                    time.map(t -> Instant.parse(t.substring(5))).orElse(Instant.EPOCH));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new Invalid("malformed checkpoint: " + e.getMessage());
        }
    }
}
