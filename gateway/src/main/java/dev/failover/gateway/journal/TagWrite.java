package dev.failover.gateway.journal;

/**
 * One tag write of a command: the tag's name in the pair's tag map and the raw value written to the
 * controller (after scaling, as {@code TagConfig.raw} gives it), so that replaying it needs no
 * config.
 *
 * @param tag the tag's name, at most {@value JournalRecord#MAX_TEXT_BYTES} bytes of UTF-8
 * @param raw the raw value; finite
 */
public record TagWrite(String tag, double raw) {

    public TagWrite {
        JournalRecord.checkText("tag", tag);
        if (!Double.isFinite(raw)) {
            throw new IllegalArgumentException("the raw value of tag " + tag + " must be finite, not " + raw);
        }
    }
}
