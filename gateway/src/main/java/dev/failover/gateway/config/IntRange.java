package dev.failover.gateway.config;

/**
 * The integers a key accepts, with the words used in its error messages.
 *
 * @param min lowest accepted value
 * @param max highest accepted value; {@link Integer#MAX_VALUE} for "no upper bound"
 * @param what what to write, e.g. "a port number", completing "Write a port number from 1 to 65535."
 * @param whyMin why values below {@code min} are refused, or empty
 */
record IntRange(int min, int max, String what, String whyMin) {

    static final IntRange PORT = new IntRange(1, 65535, "a port number", "");
    static final IntRange ADDRESS = new IntRange(0, 65535, "a register address", "");
    static final IntRange GPIO_PIN = new IntRange(0, 40, "a GPIO pin number", "");

    IntRange(int min, int max, String what) {
        this(min, max, what, "");
    }

    static IntRange atLeast(int min, String what) {
        return new IntRange(min, Integer.MAX_VALUE, what, "");
    }

    IntRange because(String why) {
        return new IntRange(min, max, what, why);
    }

    /** The fix sentence, e.g. "Write a port number from 1 to 65535." */
    String fix() {
        return max == Integer.MAX_VALUE
                ? "Write " + what + " of " + min + " or more."
                : "Write " + what + " from " + min + " to " + max + ".";
    }
}
