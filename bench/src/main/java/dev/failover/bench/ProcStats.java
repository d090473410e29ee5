package dev.failover.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What Linux's {@code /proc} says about a process and its threads: CPU time ({@code stat}: utime +
 * stime, in clock ticks), resident memory and thread count ({@code status}: VmRSS, Threads). proc(5)
 * gives the formats. Stateless; the readers throw {@link IOException} when the process is gone.
 */
final class ProcStats {

    /** CPU time of one process or thread: its {@code comm} name and utime + stime, in clock ticks. */
    record Cpu(String name, long ticks) {}

    /** Resident set size in kB (VmRSS) and thread count of a process. */
    record Memory(long rssKb, int threads) {

        double rssMegabytes() {
            return rssKb / 1024.0;
        }
    }

    private static final int UTIME = 14;
    private static final int STIME = 15;

    private ProcStats() {}

    /**
     * Parses one {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} line. The name (field 2)
     * is in parentheses and may itself hold spaces and parentheses (a Java thread named "a) b"), so
     * the numeric fields are counted from the last ')'.
     *
     * @throws IllegalArgumentException if the line is not in that format
     */
    static Cpu parseStat(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc stat line: " + line);
        }
        // Field 3 (state) is the first after the name: field k is at index k - 3.
        String[] fields = line.substring(close + 1).strip().split("\\s+");
        if (fields.length <= STIME - 3) {
            throw new IllegalArgumentException("a /proc stat line with " + (fields.length + 2) + " fields: " + line);
        }
        try {
            long ticks = Long.parseLong(fields[UTIME - 3]) + Long.parseLong(fields[STIME - 3]);
            return new Cpu(line.substring(open + 1, close), ticks);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("utime or stime is not a number in: " + line, e);
        }
    }

    /**
     * Parses {@code /proc/<pid>/status}: the {@code VmRSS:} line (kB) and the {@code Threads:} line.
     *
     * @throws IllegalArgumentException if either line is missing (a zombie process has no VmRSS)
     */
    static Memory parseStatus(String text) {
        long rss = -1;
        int threads = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).strip());
            }
        }
        if (rss < 0 || threads < 0) {
            throw new IllegalArgumentException("no VmRSS or Threads line in /proc status: " + text);
        }
        return new Memory(rss, threads);
    }

    static Cpu cpu(long pid) throws IOException {
        return parseStat(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    static Memory memory(long pid) throws IOException {
        return parseStatus(read(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** Every thread of the process now, by thread id; a thread that ends while it is read is left out. */
    static Map<Long, Cpu> threads(long pid) throws IOException {
        Map<Long, Cpu> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    threads.put(Long.parseLong(task.getFileName().toString()), parseStat(read(task.resolve("stat"))));
                } catch (NoSuchFileException e) {
                    // The thread ended between the listing and the read: it has no CPU time to report.
                }
            }
        }
        return threads;
    }

    /** Clock ticks per second ({@code getconf CLK_TCK}), or 100 (Linux's USER_HZ nearly everywhere). */
    static long clockTicksPerSecond() throws InterruptedException {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return getconf.waitFor() == 0 ? Long.parseLong(text) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }
}
