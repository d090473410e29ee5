package dev.failover.bench;

import java.util.Locale;

/** The printout of a {@link ScadaBenchmark} run: settings, machine, figures, verdicts. */
final class ScadaReport {

    private ScadaReport() {}

    static String render(ScadaBenchmark.Settings s, ScadaBenchmark.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "SCADA benchmark: OPC UA SignAndEncrypt Basic256Sha256, X.509 user, one session per server; poll"
                        + " %.0f ms%n"
                        + "  machine        %d cores, %s %s %s, JDK %s; load average %.1f at the end; controllers,"
                        + " gateway and clients in one JVM, loopback%n"
                        + "  reads          %d per server after %d uncounted, alternating blocks of %d%n"
                        + "  changes        %d after %d uncounted, setpoint written on the active controller over"
                        + " Modbus/TCP Security at a random phase of the poll period%n%n",
                r.pollMillis(),
                r.cores(),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("os.arch"),
                r.jdk(),
                r.loadAverage(),
                s.reads(),
                s.warmupReads(),
                ScadaBenchmark.READ_BLOCK,
                s.changes(),
                s.warmupChanges()));
        b.append("  read gateway   ").append(line(r.gatewayRead())).append("  (cached value of the last scan)\n");
        b.append("  read direct    ").append(line(r.directRead())).append("  (the controller's register bank)\n");
        b.append(String.format(
                Locale.ROOT,
                "  read ratio     gateway/direct: median %.2fx, p99 %.2fx%n",
                r.medianRatio(),
                r.p99Ratio()));
        b.append("  read not good  gateway ")
                .append(r.gatewayNotGood().isEmpty() ? "none" : r.gatewayNotGood())
                .append(", direct ")
                .append(r.directNotGood().isEmpty() ? "none" : r.directNotGood())
                .append("\n");
        b.append("  notification   ")
                .append(line(r.notification()))
                .append(String.format(
                        Locale.ROOT,
                        "  = median %.2f, p99 %.2f poll periods; %d missed%n",
                        r.notification().median() / r.pollMillis(),
                        r.notification().p99() / r.pollMillis(),
                        r.missedChanges()));
        b.append("    change>scan  ").append(line(r.changeToScan())).append("  (to the scan that read it)\n");
        b.append("    scan>client  ").append(line(r.scanToClient())).append("  (publishing, transport)\n");
        b.append("    write        ").append(line(r.write())).append("  (included above)\n");
        b.append(String.format(
                Locale.ROOT,
                "  notify uncert. %d notification(s) not good during the changes (scans that could not read the"
                        + " active)%n",
                r.notGoodNotifications()));
        b.append(String.format(
                Locale.ROOT,
                "  subscription   publishing %.0f ms requested, %.1f ms revised; sampling 0 requested, %.1f ms revised;"
                        + " %s%n",
                ScadaBenchmark.PUBLISHING_MILLIS,
                r.revisedPublishingMillis(),
                r.revisedSamplingMillis(),
                r.failovers() == 0
                        ? "no failover during the run"
                        : "DISTURBED: " + r.failovers() + " failover(s) during the run, " + r.disturbedChanges()
                                + " change(s) not counted; a false failover means the machine is overloaded"));
        b.append(String.format(
                Locale.ROOT,
                "  target read    gateway median <= %.0fx direct: %s (%.2fx)%n",
                ScadaBenchmark.READ_RATIO_TARGET,
                r.readTargetMet() ? "MET" : "MISSED",
                r.medianRatio()));
        b.append(String.format(
                Locale.ROOT,
                "  target notify  p99 <= %.0f poll periods (%.0f ms): %s (p99 %.1f ms)%n",
                ScadaBenchmark.NOTIFY_TARGET_POLLS,
                ScadaBenchmark.NOTIFY_TARGET_POLLS * r.pollMillis(),
                r.notificationTargetMet() ? "MET" : "MISSED",
                r.notification().p99()));
        return b.toString();
    }

    private static String line(ScadaBenchmark.Latency l) {
        return String.format(
                Locale.ROOT,
                "n %5d  median %7.3f  p90 %7.3f  p99 %7.3f  max %7.3f ms",
                l.count(),
                l.median(),
                l.p90(),
                l.p99(),
                l.max());
    }
}
