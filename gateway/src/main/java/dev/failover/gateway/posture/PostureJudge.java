package dev.failover.gateway.posture;

import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.config.PostureConfig.IdentityField;
import dev.failover.gateway.posture.Finding.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Judges postures: each controller against the baseline, and the standby against the active,
 * "identical or stronger", each dimension judged on the weakest thing a controller offers (an
 * attacker picks the weakest). Only what was probed on both sides is compared: a field one probe could
 * not learn is not a finding (the probe's {@code unknown} says why). Stateless.
 */
public final class PostureJudge {

    private PostureJudge() {}

    /** What {@code p} lacks against the baseline (and warnings), at {@code now}. */
    public static List<Finding> baseline(PostureConfig baseline, ControllerPosture p, Instant now) {
        List<Finding> out = new ArrayList<>();
        String oldest = p.oldestTls();
        if (oldest != null && rank(oldest) < rank(baseline.minTls())) {
            out.add(new Finding(
                    "tls",
                    Kind.VIOLATION,
                    "accepts " + oldest + "; the baseline is " + baseline.minTls() + " or newer"));
        }
        List<String> weak = p.weakSuites();
        if (baseline.strongSuitesOnly() && !weak.isEmpty()) {
            out.add(new Finding(
                    "cipherSuites",
                    Kind.VIOLATION,
                    "accepts " + weak.size() + " cipher suite(s) without forward secrecy or authenticated"
                            + " encryption, e.g. " + weak.getFirst() + "; the baseline allows strong suites only"));
        }
        if (!baseline.plainModbusAllowed() && Boolean.TRUE.equals(p.plainModbus())) {
            out.add(new Finding(
                    "plainModbus",
                    Kind.VIOLATION,
                    "answers plain, unauthenticated Modbus TCP on port " + baseline.plainModbusPort(p.controllerId())));
        }
        if (p.opcUa() != null) {
            baselineOpcUa(baseline.opcUa(), p.opcUa(), out);
        }
        if (p.certificate() != null) {
            Duration left = Duration.between(now, p.certificate().notAfter());
            if (left.compareTo(baseline.certificateExpiryWarning()) < 0) {
                out.add(new Finding(
                        "certificate.notAfter",
                        left.isNegative() ? Kind.VIOLATION : Kind.WARNING,
                        "its certificate " + (left.isNegative() ? "expired on " : "expires on ")
                                + p.certificate().notAfter() + " (" + left.toDays() + " days)"));
            }
        }
        return out;
    }

    private static void baselineOpcUa(
            PostureConfig.OpcUaBaseline allowed, ControllerPosture.OpcUa ua, List<Finding> out) {
        List<String> policies = ua.policies().stream()
                .filter(policy -> !allowed.policies().contains(policy))
                .toList();
        if (!policies.isEmpty()) {
            out.add(new Finding(
                    "opcua.securityPolicies",
                    Kind.VIOLATION,
                    "offers security policy " + String.join(", ", policies) + "; the baseline allows "
                            + String.join(", ", new TreeSet<>(allowed.policies()))));
        }
        List<String> modes = ua.modes().stream()
                .filter(mode -> !allowed.modes().contains(mode))
                .toList();
        if (!modes.isEmpty()) {
            out.add(new Finding(
                    "opcua.securityModes",
                    Kind.VIOLATION,
                    "offers security mode " + String.join(", ", modes) + "; the baseline allows "
                            + String.join(", ", new TreeSet<>(allowed.modes()))));
        }
        if (ua.anonymous() && !allowed.anonymousAllowed()) {
            out.add(new Finding(
                    "opcua.anonymous",
                    Kind.VIOLATION,
                    "takes anonymous users on "
                            + ua.endpoints().stream()
                                    .filter(e -> e.userTokens().contains("Anonymous"))
                                    .map(e -> e.mode() + "/" + e.policy())
                                    .collect(Collectors.joining(", "))));
        }
    }

    private static void parityOpcUa(
            PostureConfig baseline, ControllerPosture.OpcUa a, ControllerPosture.OpcUa s, List<Finding> out) {
        String weakestA = weakest(a.policies(), PostureJudge::policyRank);
        String weakestS = weakest(s.policies(), PostureJudge::policyRank);
        if (weakestA != null && weakestS != null && policyRank(weakestS) < policyRank(weakestA)) {
            out.add(new Finding(
                    "opcua.securityPolicies",
                    Kind.WEAKER,
                    "offers security policy " + weakestS + ", the active " + weakestA + " and stronger only"));
        }
        String modeA = weakest(a.modes(), PostureJudge::modeRank);
        String modeS = weakest(s.modes(), PostureJudge::modeRank);
        if (modeA != null && modeS != null && modeRank(modeS) < modeRank(modeA)) {
            out.add(new Finding(
                    "opcua.securityModes",
                    Kind.WEAKER,
                    "offers security mode " + modeS + ", the active " + modeA + " and stronger only"));
        }
        if (s.anonymous() && !a.anonymous()) {
            out.add(new Finding("opcua.anonymous", Kind.WEAKER, "takes anonymous users, the active does not"));
        }
        if (baseline.mustMatch().contains(IdentityField.FIRMWARE)
                && !a.build().isEmpty()
                && !s.build().isEmpty()
                && !a.build().equals(s.build())) {
            out.add(new Finding(
                    "opcua.build", Kind.DIFFERENT, "reports build " + s.build() + ", the active " + a.build()));
        }
    }

    private static String weakest(List<String> offered, ToIntFunction<String> rank) {
        return offered.stream().min(Comparator.comparingInt(rank)).orElse(null);
    }

    /** OPC UA security policies, weakest first; a policy not known here ranks with the current ones. */
    static int policyRank(String policy) {
        return switch (policy) {
            case "None" -> 0;
            case "Basic128Rsa15" -> 1;
            case "Basic256" -> 2;
            case "Aes256_Sha256_RsaPss" -> 4;
            default -> 3;
        };
    }

    static int modeRank(String mode) {
        return switch (mode) {
            case "None" -> 0;
            case "Sign" -> 1;
            default -> 2;
        };
    }

    /** Where {@code standby} is weaker than {@code active}, or differs where they must be alike. */
    public static List<Finding> parity(PostureConfig baseline, ControllerPosture active, ControllerPosture standby) {
        List<Finding> out = new ArrayList<>();
        String a = active.oldestTls();
        String s = standby.oldestTls();
        if (a != null && s != null && rank(s) < rank(a)) {
            out.add(new Finding("tls", Kind.WEAKER, "accepts " + s + ", the active " + a + " and newer only"));
        }
        if (!active.tlsVersions().isEmpty() && !standby.tlsVersions().isEmpty()) {
            List<String> extra = standby.weakSuites().stream()
                    .filter(suite -> !active.cipherSuites().contains(suite))
                    .toList();
            if (!extra.isEmpty() && active.weakSuites().isEmpty()) {
                out.add(new Finding(
                        "cipherSuites",
                        Kind.WEAKER,
                        "accepts " + extra.size() + " weak cipher suite(s) the active does not, e.g. "
                                + extra.getFirst()));
            }
        }
        if (Boolean.TRUE.equals(standby.plainModbus()) && Boolean.FALSE.equals(active.plainModbus())) {
            out.add(new Finding("plainModbus", Kind.WEAKER, "answers plain Modbus TCP, the active does not"));
        }
        if (active.opcUa() != null && standby.opcUa() != null) {
            parityOpcUa(baseline, active.opcUa(), standby.opcUa(), out);
        }
        if (active.certificate() != null && standby.certificate() != null) {
            ControllerPosture.Certificate ac = active.certificate();
            ControllerPosture.Certificate sc = standby.certificate();
            if (sc.securityBits() < ac.securityBits()) {
                out.add(new Finding(
                        "certificate.key",
                        Kind.WEAKER,
                        "its key is " + sc.key() + " (" + sc.securityBits() + "-bit security), the active's " + ac.key()
                                + " (" + ac.securityBits() + ")"));
            }
            if (!sc.issuer().equals(ac.issuer())) {
                out.add(new Finding(
                        "certificate.issuer",
                        Kind.DIFFERENT,
                        "issued by " + sc.issuer() + ", the active's by " + ac.issuer()));
            }
        }
        if (active.identity() != null && standby.identity() != null) {
            for (IdentityField field : baseline.mustMatch()) {
                Function<ControllerPosture.Identity, String> value = switch (field) {
                    case PROGRAM -> ControllerPosture.Identity::program;
                    case FIRMWARE -> ControllerPosture.Identity::firmware;
                    case CONFIG_HASH -> ControllerPosture.Identity::configHash;
                };
                String av = value.apply(active.identity());
                String sv = value.apply(standby.identity());
                if (!Objects.equals(av, sv)) {
                    out.add(new Finding(
                            "identity." + field.key(),
                            Kind.DIFFERENT,
                            "reports " + field.key() + " " + sv + ", the active " + av));
                }
            }
        }
        return out;
    }

    /** TLSv1.2 is 2, TLSv1.3 3; older is lower. */
    static int rank(String version) {
        return switch (version) {
            case "TLSv1.3" -> 3;
            case "TLSv1.2" -> 2;
            case "TLSv1.1" -> 1;
            default -> 0;
        };
    }
}
