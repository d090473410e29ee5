package dev.failover.gateway.command.cms;

/**
 * Why the decoder stops: unwinds the parse to {@link CmsEnvelope#open}, which turns it into an
 * {@link CmsEnvelope.Opened} value. Never leaves this package.
 */
final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    /** The decoder step that refused, in the order the steps run. */
    enum Step {
        STRUCTURE,
        ALGORITHM,
        SIGNATURE
    }

    private final Step step;

    private Refusal(Step step, String detail) {
        super(detail, null, false, false);
        this.step = step;
    }

    static Refusal malformed(String detail) {
        return new Refusal(Step.STRUCTURE, detail);
    }

    static Refusal algorithm(String detail) {
        return new Refusal(Step.ALGORITHM, detail);
    }

    static Refusal signature(String detail) {
        return new Refusal(Step.SIGNATURE, detail);
    }

    Step step() {
        return step;
    }

    /**
     * One line for a refusal detail from a library exception: its type and the first line of its
     * message, bounded, never its stack trace (bad input must not flood the log).
     */
    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline).strip();
        }
        if (message.length() > 160) {
            message = message.substring(0, 160) + "...";
        }
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
