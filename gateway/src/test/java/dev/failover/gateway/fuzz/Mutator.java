package dev.failover.gateway.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded mutation engine: each input is a corpus entry with one to four mutations stacked on it
 * (bit flips, byte changes, inserts, deletes, duplicated ranges, splices with another entry, a number
 * swapped for a boundary value, a token of the input's language, deep nesting, a long run of one
 * character). The same seed gives the same sequence of inputs, whatever the target does with them,
 * so a failure is reproduced by its seed and index. Not thread-safe.
 */
final class Mutator {

    /** Numbers at the edges of the types the parsers convert to (and a few that are no numbers). */
    private static final List<String> BOUNDARY_NUMBERS = List.of(
            "0",
            "-0",
            "-1",
            "1",
            "127",
            "128",
            "255",
            "256",
            "32767",
            "32768",
            "-32769",
            "65535",
            "65536",
            "2147483647",
            "2147483648",
            "-2147483649",
            "4294967296",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999999999",
            "1e308",
            "1e309",
            "-1e309",
            "4.9e-324",
            "0.1",
            "1.5",
            ".5",
            "1e-7",
            "NaN",
            "Infinity",
            "0x10",
            "1_000");

    /** Bytes that change meaning in text and binary formats alike. */
    private static final byte[] INTERESTING_BYTES = {0, 1, 0x7f, (byte) 0x80, (byte) 0x81, (byte) 0xff, '\n', '\r'};

    private static final int MAX_LENGTH = 256 * 1024;

    private final SplittableRandom random;
    private final List<byte[]> corpus;
    private final List<byte[]> tokens;
    private final List<byte[]> openers;

    /**
     * @param corpus the valid (or nearly valid) inputs mutations start from
     * @param tokens fragments of the input's language to insert (e.g. "&a ", "!!str " for YAML)
     * @param openers what opens one level of nesting (e.g. "[" or "{a: ")
     */
    Mutator(long seed, List<byte[]> corpus, List<byte[]> tokens, List<byte[]> openers) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("the corpus is empty");
        }
        this.random = new SplittableRandom(seed);
        this.corpus = List.copyOf(corpus);
        this.tokens = List.copyOf(tokens);
        this.openers = List.copyOf(openers);
    }

    /** Texts as UTF-8 bytes, for the tokens and openers of a text format. */
    static List<byte[]> utf8(String... texts) {
        return java.util.Arrays.stream(texts)
                .map(t -> t.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    /** The next input: an unchanged corpus entry now and then, a mutated one otherwise. */
    byte[] next() {
        byte[] input = pick().clone();
        if (random.nextInt(50) == 0) {
            return input;
        }
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            input = mutate(input);
        }
        return input.length > MAX_LENGTH ? Arrays.copyOf(input, MAX_LENGTH) : input;
    }

    private byte[] pick() {
        return corpus.get(random.nextInt(corpus.size()));
    }

    private byte[] mutate(byte[] in) {
        return switch (random.nextInt(12)) {
            case 0, 1, 2 -> flipBit(in);
            case 3 -> setByte(in);
            case 4 -> insert(in, randomBytes(1 + random.nextInt(8)));
            case 5 -> delete(in);
            case 6 -> duplicate(in);
            case 7 -> splice(in, pick());
            case 8 -> boundaryNumber(in);
            case 9 -> insert(in, tokens.isEmpty() ? randomBytes(2) : tokens.get(random.nextInt(tokens.size())));
            case 10 -> nest(in);
            default -> insert(in, longRun());
        };
    }

    private byte[] flipBit(byte[] in) {
        if (in.length == 0) {
            return randomBytes(1);
        }
        byte[] out = in.clone();
        int at = random.nextInt(out.length);
        out[at] ^= (byte) (1 << random.nextInt(8));
        return out;
    }

    private byte[] setByte(byte[] in) {
        if (in.length == 0) {
            return randomBytes(1);
        }
        byte[] out = in.clone();
        out[random.nextInt(out.length)] = INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
        return out;
    }

    private byte[] insert(byte[] in, byte[] what) {
        int at = random.nextInt(in.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + what.length);
        out.write(in, 0, at);
        out.writeBytes(what);
        out.write(in, at, in.length - at);
        return out.toByteArray();
    }

    private byte[] delete(byte[] in) {
        if (in.length == 0) {
            return in;
        }
        int at = random.nextInt(in.length);
        int length = Math.min(in.length - at, 1 + random.nextInt(16));
        byte[] out = new byte[in.length - length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, at + length, out, at, in.length - at - length);
        return out;
    }

    private byte[] duplicate(byte[] in) {
        if (in.length == 0) {
            return in;
        }
        int from = random.nextInt(in.length);
        int length = Math.min(in.length - from, 1 + random.nextInt(64));
        return insert(in, Arrays.copyOfRange(in, from, from + length));
    }

    /** The head of one entry and the tail of another, each cut at a random point. */
    private byte[] splice(byte[] head, byte[] tail) {
        int cutHead = random.nextInt(head.length + 1);
        int cutTail = random.nextInt(tail.length + 1);
        byte[] out = Arrays.copyOf(head, cutHead + tail.length - cutTail);
        System.arraycopy(tail, cutTail, out, cutHead, tail.length - cutTail);
        return out;
    }

    /** Replaces a run of digits (the first one after a random point) with a boundary number. */
    private byte[] boundaryNumber(byte[] in) {
        int start = in.length == 0 ? 0 : random.nextInt(in.length);
        while (start < in.length && !isDigit(in[start])) {
            start++;
        }
        byte[] number =
                BOUNDARY_NUMBERS.get(random.nextInt(BOUNDARY_NUMBERS.size())).getBytes(StandardCharsets.UTF_8);
        if (start == in.length) {
            return insert(in, number);
        }
        int end = start;
        while (end < in.length && (isDigit(in[end]) || in[end] == '.')) {
            end++;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + number.length);
        out.write(in, 0, start);
        out.writeBytes(number);
        out.write(in, end, in.length - end);
        return out.toByteArray();
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Up to 10,000 levels of the language's nesting, inserted at one point. */
    private byte[] nest(byte[] in) {
        if (openers.isEmpty()) {
            return in;
        }
        byte[] opener = openers.get(random.nextInt(openers.size()));
        int levels = random.nextInt(4) == 0 ? 1 + random.nextInt(10_000) : 1 + random.nextInt(64);
        ByteArrayOutputStream nested = new ByteArrayOutputStream(opener.length * levels);
        for (int i = 0; i < levels; i++) {
            nested.writeBytes(opener);
        }
        return insert(in, nested.toByteArray());
    }

    /** A long string: up to 100,000 of one character that matters to parsers. */
    private byte[] longRun() {
        byte[] characters = {'a', ' ', '\n', '"', '\\', '-', '9', '='};
        byte[] run = new byte[1 + random.nextInt(random.nextInt(8) == 0 ? 100_000 : 2_000)];
        Arrays.fill(run, characters[random.nextInt(characters.length)]);
        return run;
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
