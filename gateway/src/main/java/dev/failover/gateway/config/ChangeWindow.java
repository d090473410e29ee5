package dev.failover.gateway.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A recurring window in which changes to the controllers (program downloads, firmware updates,
 * certificate renewals) are planned, as a plant's management of change declares them: {@code
 * "Sat 06:00-10:00"}, {@code "Mon-Fri 22:00-02:00"} (past midnight: it ends on the next day), {@code
 * "daily 03:00-04:00"}. Times are wall-clock times in the anomaly watch's zone.
 *
 * @param days the days on which it opens
 * @param from when it opens
 * @param to when it closes; earlier than {@code from}: on the next day
 */
public record ChangeWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    private static final Pattern FORM =
            Pattern.compile("(?i)\\s*(daily|[a-z]{3}(?:-[a-z]{3})?)\\s+(\\d{2}:\\d{2})-(\\d{2}:\\d{2})\\s*");

    public ChangeWindow {
        days = Set.copyOf(EnumSet.copyOf(Objects.requireNonNull(days, "days")));
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.equals(to)) {
            throw new IllegalArgumentException("a change window must not open and close at the same time");
        }
    }

    /**
     * Parses {@code "<days> HH:MM-HH:MM"}, days {@code daily}, one day ({@code Sat}) or a range ({@code
     * Mon-Fri}).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ChangeWindow parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a change window: write '<days> HH:MM-HH:MM',"
                    + " e.g. 'Sat 06:00-10:00', 'Mon-Fri 22:00-02:00' or 'daily 03:00-04:00'");
        }
        Set<DayOfWeek> days;
        String d = m.group(1);
        if (d.equalsIgnoreCase("daily")) {
            days = EnumSet.allOf(DayOfWeek.class);
        } else if (d.contains("-")) {
            DayOfWeek first = day(d.substring(0, 3), text);
            DayOfWeek last = day(d.substring(4), text);
            days = EnumSet.noneOf(DayOfWeek.class);
            for (DayOfWeek day = first; ; day = day.plus(1)) {
                days.add(day);
                if (day == last) {
                    break;
                }
            }
        } else {
            days = EnumSet.of(day(d, text));
        }
        try {
            return new ChangeWindow(days, LocalTime.parse(m.group(2)), LocalTime.parse(m.group(3)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + text + "': " + e.getParsedString() + " is not a time of day (HH:MM)");
        }
    }

    private static DayOfWeek day(String abbreviation, String text) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).equalsIgnoreCase(abbreviation)) {
                return day;
            }
        }
        throw new IllegalArgumentException("'" + text + "': " + abbreviation + " is not a day; use Mon, Tue, Wed,"
                + " Thu, Fri, Sat, Sun or daily");
    }

    /** Whether {@code time} falls in the window. */
    public boolean contains(ZonedDateTime time) {
        LocalTime t = time.toLocalTime();
        DayOfWeek day = time.getDayOfWeek();
        if (from.isBefore(to)) {
            return days.contains(day) && !t.isBefore(from) && t.isBefore(to);
        }
        // Past midnight: open from 'from' on a listed day until 'to' on the next.
        return (days.contains(day) && !t.isBefore(from)) || (days.contains(day.minus(1)) && t.isBefore(to));
    }

    @Override
    public String toString() {
        String d = days.size() == 7
                ? "daily"
                : days.stream()
                        .sorted()
                        .map(x -> x.getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
                        .collect(Collectors.joining(","));
        return d + " " + from + "-" + to;
    }
}
