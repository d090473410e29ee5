package dev.failover.gateway.journal;

import java.nio.file.Path;

/**
 * What {@link CommandJournal#open} repaired: the last record was cut short by a crash in the middle
 * of its append (its command had not run, or had not been acknowledged, since both wait for the
 * sync), so the file was truncated back to the last good record. The gateway raises an event with
 * {@link #message()}.
 *
 * @param file the journal
 * @param truncatedAtOffset where the file now ends: the end of the last good record
 * @param bytesDropped how many bytes of the damaged record were removed
 * @param damage what was wrong with the dropped record
 */
public record Recovery(Path file, long truncatedAtOffset, long bytesDropped, String damage) {

    /** One line for the event and the log. */
    public String message() {
        return file + ": the last record (byte offset " + truncatedAtOffset + ") was cut short by a crash during "
                + "its append (" + damage + "); dropped " + bytesDropped + " byte(s), the journal ends at its last "
                + "good record";
    }
}
