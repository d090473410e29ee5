package dev.failover.plcsim.modbus;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The client roles one authorization rule admits: either a fixed set of role names, compared
 * exactly as they appear in the certificate's role extension, or {@linkplain #any() any}
 * authenticated client, with or without a role.
 *
 * <p>Immutable and thread-safe.
 *
 * @param names the admitted role names, sorted; empty exactly when {@code anyClient}
 * @param anyClient whether every authenticated client is admitted, even one whose certificate
 *     carries no role
 */
public record Roles(Set<String> names, boolean anyClient) {

    /** The text that means {@link #any()} on the command line. */
    public static final String ANY_TEXT = "*";

    private static final Roles ANY = new Roles(Set.of(), true);

    public Roles {
        Objects.requireNonNull(names, "names must not be null");
        for (String name : names) {
            if (name == null || name.isBlank() || !name.equals(name.strip()) || name.contains(",")) {
                throw new IllegalArgumentException(
                        "a role name must be non-blank, without surrounding spaces or commas, got '" + name + "'");
            }
        }
        if (anyClient == !names.isEmpty()) {
            // Both "any" and a list would be ambiguous; neither would admit nobody, which no rule wants.
            throw new IllegalArgumentException(
                    anyClient
                            ? "a rule admitting any client lists no role names, got " + names
                            : "name at least one role, or '" + ANY_TEXT + "' for any authenticated client");
        }
        names = Collections.unmodifiableSet(new TreeSet<>(names));
    }

    /** Any authenticated client, with or without a role. */
    public static Roles any() {
        return ANY;
    }

    /** Exactly these role names. */
    public static Roles of(Collection<String> names) {
        return new Roles(Set.copyOf(names), false);
    }

    /** Exactly these role names. */
    public static Roles of(String... names) {
        return of(Arrays.asList(names));
    }

    /**
     * Parses {@code *} (any authenticated client) or a comma-separated list of role names, e.g.
     * {@code gateway,engineer}.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Roles parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.strip().equals(ANY_TEXT)) {
            return ANY;
        }
        Set<String> names =
                Arrays.stream(text.split(",", -1)).map(String::strip).collect(Collectors.toSet());
        if (names.contains(ANY_TEXT)) {
            throw new IllegalArgumentException(
                    "'" + ANY_TEXT + "' stands alone, it cannot be listed with roles: '" + text + "'");
        }
        if (names.contains("")) {
            throw new IllegalArgumentException("empty role name in '" + text + "'");
        }
        return of(names);
    }

    /** Whether a client whose certificate carries {@code role} (empty: no role extension) is admitted. */
    public boolean permits(Optional<String> role) {
        return anyClient || role.map(names::contains).orElse(false);
    }

    /** {@code *} or the names joined by commas: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return anyClient ? ANY_TEXT : String.join(",", names);
    }
}
