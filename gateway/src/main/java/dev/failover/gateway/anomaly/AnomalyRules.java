package dev.failover.gateway.anomaly;

import dev.failover.gateway.config.AnomalyConfig;
import dev.failover.gateway.config.AnomalyConfig.Rule;
import dev.failover.gateway.config.AnomalyConfig.Settings;
import dev.failover.gateway.events.CommandDetail;
import dev.failover.gateway.events.EventDetail;
import dev.failover.gateway.events.GatewayDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.MirrorDetail;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.events.SecurityDetail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The anomaly watch's rules, each fed every event in order (issue 13, part C). A rule that fires
 * returns an {@link SecurityDetail.Anomaly} with its severity, the MITRE ATT&CK for ICS technique it
 * matches and the evidence; a planned switchover, a drill or an ordinary signed write fires none.
 * Windows count in the events' own times. Not thread-safe: the watch's thread owns it.
 */
final class AnomalyRules {

    /** How many events of evidence an anomaly carries at most. */
    static final int EVIDENCE = 10;

    /** What counts as a sign of attack before a failover. */
    private static final Set<Class<? extends EventDetail>> SUSPICIOUS = Set.of(
            SecurityDetail.ControlRefused.class,
            SecurityDetail.ScadaSessionRefused.class,
            SecurityDetail.ScadaClientRejected.class,
            CommandDetail.CommandRejected.class,
            SecurityDetail.PostureDrift.class,
            SecurityDetail.PostureBaselineViolated.class,
            SecurityDetail.ControllerIdentityChanged.class,
            MirrorDetail.UnauthorisedChange.class,
            SecurityDetail.ControllerWrittenByOther.class,
            SecurityDetail.UnexplainedWrites.class);

    private static final Set<String> REFUSAL_TYPES =
            Set.of("CONTROL_REFUSED", "SCADA_SESSION_REFUSED", "SCADA_CLIENT_REJECTED", "COMMAND_REJECTED");

    private record Seen(Instant at, String line) {}

    private final AnomalyConfig config;
    private final Deque<Seen> suspicious = new ArrayDeque<>();
    private final Map<String, Deque<Instant>> failoversFrom = new HashMap<>();
    private final Map<String, Deque<Instant>> refusalsBySource = new HashMap<>();
    private final Map<String, Instant> burstReported = new HashMap<>();
    private final Map<String, String> status = new HashMap<>();

    AnomalyRules(AnomalyConfig config) {
        this.config = config;
    }

    /** The anomalies {@code event} makes fire. */
    List<SecurityDetail.Anomaly> on(GatewayEvent event) {
        List<SecurityDetail.Anomaly> out = new ArrayList<>();
        Instant now = event.time();
        EventDetail d = event.detail();
        if (d instanceof SecurityDetail.ControllerIdentityChanged && config.inChangeWindow(now)) {
            // A planned change (program download, firmware update, certificate renewal): not suspicious.
            return out;
        }
        if (SUSPICIOUS.contains(d.getClass())
                || (d instanceof GatewayDetail.EventsRepeated r && REFUSAL_TYPES.contains(r.repeatedType()))) {
            suspicious.addLast(new Seen(now, line(event)));
            while (suspicious.size() > 1_000) {
                suspicious.removeFirst();
            }
        }
        switch (d) {
            case PairDetail.SwitchoverCompleted c
            when c.kind().equals("FAILOVER") -> {
                failoverUnderAttack(event, now).ifPresent(out::add);
                repeatedFaults(event.pair(), c.from(), now).ifPresent(out::add);
            }
            case SecurityDetail.ControlRefused r ->
                burst("peer " + host(r.peer()), now, 1, "T0859").ifPresent(out::add);
            case SecurityDetail.ScadaSessionRefused r ->
                burst("peer " + r.peer(), now, 1, "T0859").ifPresent(out::add);
            case SecurityDetail.ScadaClientRejected r ->
                burst("application " + r.subject(), now, 1, "T0859").ifPresent(out::add);
            case CommandDetail.CommandRejected r ->
                burst(
                                r.signer() == null || r.signer().isEmpty()
                                        ? "origin " + host(r.origin())
                                        : "signer " + r.signer(),
                                now,
                                1,
                                "T0855")
                        .ifPresent(out::add);
            case GatewayDetail.EventsRepeated r
            when REFUSAL_TYPES.contains(r.repeatedType()) ->
                burst(
                                r.repeatedType() + " " + r.reason(),
                                now,
                                r.repeats(),
                                r.repeatedType().equals("COMMAND_REJECTED") ? "T0855" : "T0859")
                        .ifPresent(out::add);
            case PairDetail.AlarmRaised a
            when a.alarm().equals("SPLIT_BRAIN") ->
                fire(Rule.CLAIMED_ACTIVE, "MEDIUM", "T0831", List.of(line(event)))
                        .ifPresent(out::add);
            case PairDetail.ControllerHealth h -> modeChange(event, h).ifPresent(out::add);
            case SecurityDetail.ControllerWrittenByOther w ->
                fire(Rule.FOREIGN_WRITER, "HIGH", "T0855", List.of(line(event))).ifPresent(out::add);
            case SecurityDetail.UnexplainedWrites w ->
                fire(Rule.FOREIGN_WRITER, "HIGH", "T0855", List.of(line(event))).ifPresent(out::add);
            case PairDetail.HeartbeatIrregular h ->
                fire(Rule.HEARTBEAT_IRREGULAR, "HIGH", "T0856", List.of(line(event)))
                        .ifPresent(out::add);
            case SecurityDetail.ControllerIdentityChanged c ->
                fire(
                                Rule.CONTROLLER_CHANGED,
                                "HIGH",
                                switch (c.field()) {
                                    case "certificate", "endpoints" -> "T0830";
                                    case "firmware" -> "T0839";
                                    default -> "T0843";
                                },
                                List.of(line(event)))
                        .ifPresent(out::add);
            default -> {}
        }
        return out;
    }

    private Optional<SecurityDetail.Anomaly> failoverUnderAttack(GatewayEvent failover, Instant now) {
        Settings s = config.settings(Rule.FAILOVER_UNDER_ATTACK);
        Instant since = now.minus(s.window());
        List<String> evidence = new ArrayList<>();
        for (Seen seen : suspicious) {
            if (!seen.at().isBefore(since) && !seen.at().isAfter(now)) {
                evidence.add(seen.line());
            }
        }
        if (evidence.size() < s.count()) {
            return Optional.empty();
        }
        List<String> shown =
                new ArrayList<>(evidence.subList(Math.max(0, evidence.size() - EVIDENCE), evidence.size()));
        shown.add(line(failover));
        return fire(Rule.FAILOVER_UNDER_ATTACK, "HIGH", "T0814", shown);
    }

    private Optional<SecurityDetail.Anomaly> repeatedFaults(String pair, String from, Instant now) {
        if (from == null) {
            return Optional.empty();
        }
        Settings s = config.settings(Rule.REPEATED_FAULTS);
        Deque<Instant> times = failoversFrom.computeIfAbsent(pair + "/" + from, k -> new ArrayDeque<>());
        times.addLast(now);
        prune(times, now, s.window());
        if (times.size() < s.count()) {
            return Optional.empty();
        }
        List<String> evidence =
                times.stream().map(t -> t + " FAILOVER away from " + from).toList();
        times.clear();
        return fire(Rule.REPEATED_FAULTS, "MEDIUM", "T0816", evidence);
    }

    /** {@code n} refusals from {@code source}: fires once per window when the count is reached. */
    private Optional<SecurityDetail.Anomaly> burst(String source, Instant now, int n, String technique) {
        Settings s = config.settings(Rule.REFUSAL_BURST);
        Deque<Instant> times = refusalsBySource.computeIfAbsent(source, k -> new ArrayDeque<>());
        for (int i = 0; i < Math.min(n, s.count()); i++) {
            times.addLast(now);
        }
        prune(times, now, s.window());
        Instant last = burstReported.get(source);
        if (times.size() < s.count()
                || (last != null && Duration.between(last, now).compareTo(s.window()) < 0)) {
            return Optional.empty();
        }
        burstReported.put(source, now);
        return fire(
                Rule.REFUSAL_BURST,
                "MEDIUM",
                technique,
                List.of(times.size() + " or more refusals of " + source + " within " + s.window()));
    }

    private Optional<SecurityDetail.Anomaly> modeChange(GatewayEvent event, PairDetail.ControllerHealth h) {
        String was = status.put(event.pair() + "/" + event.controller(), h.status());
        if ("RUN".equals(was) && "STOP".equals(h.status())) {
            return fire(Rule.MODE_CHANGE, "MEDIUM", "T0858", List.of(line(event)));
        }
        return Optional.empty();
    }

    private Optional<SecurityDetail.Anomaly> fire(Rule rule, String severity, String technique, List<String> evidence) {
        if (!config.settings(rule).enabled()) {
            return Optional.empty();
        }
        return Optional.of(new SecurityDetail.Anomaly(rule.key(), severity, technique, evidence));
    }

    private static void prune(Deque<Instant> times, Instant now, Duration window) {
        Instant since = now.minus(window);
        while (!times.isEmpty() && times.peekFirst().isBefore(since)) {
            times.removeFirst();
        }
    }

    private static String host(String peer) {
        if (peer == null) {
            return "";
        }
        int colon = peer.lastIndexOf(':');
        return colon > 0 && peer.indexOf(':') == colon ? peer.substring(0, colon) : peer;
    }

    private static String line(GatewayEvent e) {
        return e.time() + " " + e.type() + (e.controller().isEmpty() ? "" : " " + e.controller()) + ": " + e.message();
    }
}
