package dev.failover.gateway.command;

import dev.failover.certs.RoleExtension;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.CommandPolicy;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.durable.GroupCommit.Durable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a signed command may run. The checks run in this fixed order, and the first that
 * fails decides the reason (docs/security.md, "The command guard, check by check"):
 *
 * <ol>
 *   <li>size ({@code OVERSIZED});
 *   <li>envelope structure: DER, one signer, exactly the signer's certificate ({@code MALFORMED});
 *   <li>algorithms ({@code UNSUPPORTED_ALGORITHM});
 *   <li>signature ({@code BAD_SIGNATURE});
 *   <li>the signer's certificate: chain, dates, revocation, usage ({@code UNKNOWN_CA}, ...);
 *   <li>the signer's role ({@code NO_ROLE});
 *   <li>the command's form: canonical JSON, known action, only the action's arguments
 *       ({@code MALFORMED}, {@code UNKNOWN_ACTION}, {@code UNKNOWN_ARGUMENT}, {@code BAD_ARGUMENT});
 *   <li>freshness: the validity window ({@code EXPIRED_COMMAND}, ...);
 *   <li>target: pair, the transport's pair and action, tag ({@code UNKNOWN_PAIR}, {@code WRONG_TARGET},
 *       {@code UNKNOWN_TAG});
 *   <li>the role's permission ({@code ROLE_NOT_PERMITTED});
 *   <li>the value's type and bounds ({@code BAD_ARGUMENT}, {@code OUT_OF_BOUNDS});
 *   <li>replay ({@code REPLAYED}).
 * </ol>
 *
 * Who signed is settled before anything about the command is read, so an envelope that is not from a
 * valid signer learns nothing about the plant's pairs, tags or roles. Replay comes last because it is
 * the only check with an effect: the replay store remembers an id only for a command that passed
 * every other check, so a refused command (sent to the wrong OPC UA method, say) never uses up its id.
 * The guard writes nothing to any controller. Bad input never makes it throw: every failure is a
 * {@link Decision.Rejected} with a reason code. Independent of the transport the envelope arrived
 * by. Thread-safe.
 */
public final class CommandGuard {

    private static final Logger log = LoggerFactory.getLogger(CommandGuard.class);

    private final CommandPolicy policy;
    private final Map<String, PairConfig> pairs;
    private final SignerChecker signers;
    private final NonceStore nonces;
    private final Clock clock;

    public CommandGuard(
            CommandPolicy policy, List<PairConfig> pairs, SignerChecker signers, NonceStore nonces, Clock clock) {
        this.policy = policy;
        this.pairs = pairs.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(PairConfig::name, p -> p));
        this.signers = signers;
        this.nonces = nonces;
        this.clock = clock;
    }

    public Decision check(byte[] envelope) {
        return check(envelope, null, EnumSet.allOf(CommandAction.class));
    }

    /**
     * As {@link #check(byte[])}, for a transport that takes only some commands (an OPC UA method of
     * one pair): a command for another pair or action is refused with {@link RejectReason#WRONG_TARGET}
     * before its id is remembered.
     *
     * @param pairName the pair the command must be for, or {@code null} for any
     * @param actions the actions accepted
     */
    public Decision check(byte[] envelope, String pairName, Set<CommandAction> actions) {
        Decision d = decide(envelope, pairName, actions, false);
        if (d instanceof Decision.Accepted a) {
            try {
                a.remembered().await();
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            return a.remembered(Durable.DONE);
        }
        return d;
    }

    /**
     * As {@link #check(byte[], String, Set)}, without waiting for the replay store's sync: an accepted
     * command's {@link Decision.Accepted#remembered()} must be awaited before it runs. A tag write's id
     * is not synced by the replay store at all: the caller must journal the command ({@code
     * CommandJournal.accepted}, synced) before it runs, and the replay store relies on that record
     * (NonceStore#rememberJournaled). For the command service.
     */
    public Decision checkBeforeSync(byte[] envelope, String pairName, Set<CommandAction> actions) {
        return decide(envelope, pairName, actions, true);
    }

    private Decision decide(byte[] envelope, String pairName, Set<CommandAction> actions, boolean journaledWrites) {
        Decision passed;
        try {
            passed = beforeReplay(envelope, pairName, actions);
        } catch (RuntimeException e) {
            // Every check above is a pure function of the envelope and the configuration, and each maps
            // its own library's failures to a reason; this is the last line, so that no input can make
            // the guard throw (and skip its COMMAND_REJECTED event). One line: input must not flood the log.
            log.warn("refusing an envelope the guard could not check ({}); this is a bug", e.toString());
            log.debug("the guard's failure", e);
            return reject(
                    RejectReason.MALFORMED,
                    "the envelope cannot be checked: " + e.getClass().getSimpleName(),
                    "",
                    "");
        }
        if (!(passed instanceof Decision.Accepted accepted)) {
            return passed;
        }
        Command command = accepted.command();
        Optional<Durable> remembered = journaledWrites && command.action() == CommandAction.WRITE_TAG
                ? nonces.rememberJournaled(command.id(), command.expiresAt())
                        ? Optional.of(Durable.DONE)
                        : Optional.empty()
                : nonces.rememberLater(command.id(), command.expiresAt());
        if (remembered.isEmpty()) {
            return reject(
                    RejectReason.REPLAYED,
                    "command " + command.id() + " was accepted before",
                    accepted.signer(),
                    command.id());
        }
        return accepted.remembered(remembered.get());
    }

    /** Every check but replay, in order: {@link Decision.Accepted} when all pass. */
    private Decision beforeReplay(byte[] envelope, String pairName, Set<CommandAction> actions) {
        if (envelope.length > policy.maxEnvelopeBytes()) {
            return reject(
                    RejectReason.OVERSIZED,
                    "the envelope has " + envelope.length + " bytes, the limit is " + policy.maxEnvelopeBytes(),
                    "",
                    "");
        }
        CmsEnvelope.Opened.Signed signed;
        switch (CmsEnvelope.open(envelope)) {
            case CmsEnvelope.Opened.Malformed m -> {
                return reject(RejectReason.MALFORMED, m.detail(), "", "");
            }
            case CmsEnvelope.Opened.UnsupportedAlgorithm u -> {
                return reject(RejectReason.UNSUPPORTED_ALGORITHM, u.detail(), "", "");
            }
            case CmsEnvelope.Opened.BadSignature b -> {
                return reject(RejectReason.BAD_SIGNATURE, b.detail(), "", "");
            }
            case CmsEnvelope.Opened.Signed s -> signed = s;
        }
        X509Certificate signer = signed.signer();
        String subject = signer.getSubjectX500Principal().getName();
        Instant now = clock.instant();
        Optional<Decision.Rejected> invalid = signers.check(signer);
        if (invalid.isPresent()) {
            Decision.Rejected r = invalid.get();
            return reject(r.reason(), r.detail(), subject, "");
        }
        Optional<String> role;
        try {
            role = RoleExtension.read(signer);
        } catch (IllegalArgumentException e) {
            return reject(RejectReason.MALFORMED, e.getMessage(), subject, "");
        }
        if (role.isEmpty()) {
            return reject(RejectReason.NO_ROLE, "the signer's certificate carries no role", subject, "");
        }
        Command command;
        try {
            command = Command.parse(signed.content());
        } catch (InvalidCommandException e) {
            return reject(e.reason(), e.getMessage(), subject, "");
        }
        String id = command.id();
        Optional<Decision.Rejected> stale = window(command, now, subject);
        if (stale.isPresent()) {
            return stale.get();
        }
        PairConfig pair = pairs.get(command.pair());
        if (pair == null) {
            return reject(RejectReason.UNKNOWN_PAIR, "no pair named '" + command.pair() + "'", subject, id);
        }
        if ((pairName != null && !pairName.equals(pair.name())) || !actions.contains(command.action())) {
            return reject(
                    RejectReason.WRONG_TARGET,
                    "the command is a " + command.action().wireName() + " for pair " + pair.name()
                            + "; this method takes "
                            + actions.stream().map(CommandAction::wireName).toList()
                            + (pairName == null ? "" : " for pair " + pairName),
                    subject,
                    id);
        }
        TagConfig tag = null;
        List<String> allowed;
        if (command.action() == CommandAction.WRITE_TAG) {
            Object name = command.args().get("tag");
            tag = pair.tags().stream()
                    .filter(t -> t.name().equals(name))
                    .findFirst()
                    .orElse(null);
            if (tag == null) {
                return reject(
                        RejectReason.UNKNOWN_TAG, "pair " + pair.name() + " has no tag '" + name + "'", subject, id);
            }
            allowed = tag.writableBy();
        } else {
            allowed = policy.rolesFor(command.action());
        }
        if (!allowed.contains(role.get())) {
            return reject(
                    RejectReason.ROLE_NOT_PERMITTED,
                    "role '" + role.get() + "' may not "
                            + command.action().wireName() + (tag == null ? "" : " tag " + tag.name()) + " (allowed: "
                            + allowed + ")",
                    subject,
                    id);
        }
        if (tag != null) {
            Optional<Decision.Rejected> badValue =
                    TagValues.check(tag, command.args().get("value"), subject, id);
            if (badValue.isPresent()) {
                return badValue.get();
            }
        }
        return new Decision.Accepted(command, subject, role.get());
    }

    private Optional<Decision.Rejected> window(Command c, Instant now, String subject) {
        if (!c.expiresAt().isAfter(c.issuedAt())) {
            return Optional.of(reject(RejectReason.MALFORMED, "expiresAt is not after issuedAt", subject, c.id()));
        }
        if (now.isAfter(c.expiresAt())) {
            return Optional.of(reject(
                    RejectReason.EXPIRED_COMMAND,
                    "the command expired at " + c.expiresAt() + "; it is now " + now,
                    subject,
                    c.id()));
        }
        if (c.issuedAt().isAfter(now.plus(policy.clockSkew()))) {
            return Optional.of(reject(
                    RejectReason.NOT_YET_VALID_COMMAND,
                    "the command is issued at " + c.issuedAt() + ", later than now (" + now
                            + ") plus the allowed skew of " + policy.clockSkew(),
                    subject,
                    c.id()));
        }
        if (java.time.Duration.between(c.issuedAt(), c.expiresAt()).compareTo(policy.maxWindow()) > 0) {
            return Optional.of(reject(
                    RejectReason.WINDOW_TOO_LONG,
                    "the command is valid from " + c.issuedAt() + " to " + c.expiresAt() + ", longer than the allowed "
                            + policy.maxWindow(),
                    subject,
                    c.id()));
        }
        return Optional.empty();
    }

    static Decision.Rejected reject(RejectReason reason, String detail, String signer, String id) {
        return new Decision.Rejected(reason, detail, signer, id);
    }
}
