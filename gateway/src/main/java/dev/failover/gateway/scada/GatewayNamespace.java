package dev.failover.gateway.scada;

import dev.failover.gateway.audit.Checkpoint;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.command.CommandService;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.mirror.MirrorStatus;
import dev.failover.gateway.posture.ControllerPosture;
import dev.failover.gateway.posture.PostureStatus;
import dev.failover.gateway.supervisor.Pair;
import dev.failover.gateway.supervisor.TagImage;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilter;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilterContext;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;

/**
 * The gateway's address space for SCADA: under {@code Objects/Pairs}, one object per pair with the
 * same node ids whichever controller is active (docs/opcua.md):
 *
 * <pre>
 * Pairs/&lt;pair&gt;/Tags/&lt;tag&gt;                      Double, engineering value, from the active controller
 * Pairs/&lt;pair&gt;/Status/...                        active controller, state, service level, failovers, RTO
 * Pairs/&lt;pair&gt;/Controllers/&lt;id&gt;/...              each controller's health and security posture
 * Pairs/&lt;pair&gt;/SubmitCommand, RequestSwitchover, StartDrill   methods taking a signed command
 * </pre>
 *
 * <p>Values are pushed to monitored items when they change (tags after every scan of the active
 * controller, status when the pair's status changes), never sampled: a notification follows a
 * change by at most one scan plus the subscription's publishing interval. A tag write goes through
 * the {@link CommandService}: the session's X.509 user must have a role the tag permits.
 */
final class GatewayNamespace extends ManagedNamespaceWithLifecycle {

    /** The namespace URI; node ids are strings such as {@code Pairs/tank-1/Tags/level}. */
    static final String URI = "urn:dev.failover:gateway";

    private final List<Pair> pairs;
    private final CommandService commands;
    private final Map<NodeId, DataValue> values = new ConcurrentHashMap<>();
    private final Map<NodeId, Set<DataItem>> items = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastSwitchoverTime = new ConcurrentHashMap<>();

    GatewayNamespace(OpcUaServer server, List<? extends Pair> pairs, CommandService commands) {
        super(server, URI);
        this.pairs = List.copyOf(pairs);
        this.commands = commands;
        getLifecycleManager().addStartupTask(this::addNodes);
    }

    /** The node id of {@code path} in this namespace. */
    NodeId node(String path) {
        return newNodeId(path);
    }

    private void addNodes() {
        UaFolderNode root = folder("Pairs", "Pairs");
        root.addReference(new Reference(root.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
        UaFolderNode audit = folder("Audit", "Audit");
        audit.addReference(
                new Reference(audit.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
        for (StatusTree.AuditVariable v : StatusTree.AuditVariable.values()) {
            audit.addOrganizes(variable("Audit/" + v.name, v.name, v.type, v.description));
        }
        for (Pair pair : pairs) {
            String base = "Pairs/" + pair.pairName();
            UaFolderNode pairNode = folder(base, pair.pairName());
            root.addOrganizes(pairNode);

            UaFolderNode tags = folder(base + "/Tags", "Tags");
            pairNode.addOrganizes(tags);
            for (TagConfig tag : pair.config().tags()) {
                tags.addOrganizes(tagVariable(pair, tag));
            }

            UaFolderNode status = folder(base + "/Status", "Status");
            pairNode.addOrganizes(status);
            for (StatusTree.StatusVariable v : StatusTree.StatusVariable.values()) {
                status.addOrganizes(variable(base + "/Status/" + v.path, v.browseName(), v.type, v.description));
            }

            UaFolderNode controllers = folder(base + "/Controllers", "Controllers");
            pairNode.addOrganizes(controllers);
            for (var c : pair.config().controllers()) {
                String cBase = base + "/Controllers/" + c.id();
                UaFolderNode controller = folder(cBase, c.id());
                controllers.addOrganizes(controller);
                for (StatusTree.ControllerVariable v : StatusTree.ControllerVariable.values()) {
                    controller.addOrganizes(variable(cBase + "/" + v.name, v.name, v.type, v.description));
                }
                postureFolder(controller, cBase, false);
            }
            postureFolder(status, base + "/Status", true);

            method(pairNode, base, "SubmitCommand", pair, java.util.EnumSet.allOf(CommandAction.class));
            method(pairNode, base, "RequestSwitchover", pair, Set.of(CommandAction.SWITCHOVER));
            method(pairNode, base, "StartDrill", pair, Set.of(CommandAction.START_DRILL));

            pair.onSwitchover(report -> {
                if (report.ok()) {
                    lastSwitchoverTime.put(pair.pairName(), Instant.now());
                }
            });
            pair.tags().onScan(image -> publishTags(pair, image));
            publishTags(pair, pair.tags().image());
            publishStatus(pair);
        }
    }

    private void postureFolder(UaFolderNode owner, String base, boolean ofPair) {
        UaFolderNode posture = folder(base + "/Posture", "Posture");
        owner.addOrganizes(posture);
        for (StatusTree.PostureVariable v : StatusTree.PostureVariable.values()) {
            if (StatusTree.PostureVariable.PAIR.contains(v) == ofPair) {
                posture.addOrganizes(variable(base + "/Posture/" + v.name, v.name, v.type, v.description));
            }
        }
    }

    /** Publishes the audit log's last signed checkpoint under {@code Audit/...}. */
    void publishCheckpoint(String note, Checkpoint c) {
        setGood("Audit/" + StatusTree.AuditVariable.CHECKPOINT.name, note);
        setGood("Audit/" + StatusTree.AuditVariable.TREE_SIZE.name, c.size());
        setGood(
                "Audit/" + StatusTree.AuditVariable.ROOT.name,
                Base64.getEncoder().encodeToString(c.root()));
        setGood("Audit/" + StatusTree.AuditVariable.TIME.name, time(c.time()));
    }

    /** Publishes what the posture checks last found on {@code pair}'s controllers, and the verdict. */
    void publishPosture(String pair, PostureStatus p) {
        String base = "Pairs/" + pair;
        setGood(
                base + "/Status/Posture/" + StatusTree.PostureVariable.VERDICT.name,
                p.controllers().isEmpty() || p.standby().isEmpty()
                        ? "unknown"
                        : p.parity().isEmpty() ? "parity" : "drift");
        setGood(base + "/Status/Posture/" + StatusTree.PostureVariable.DRIFT.name, joined(p.parity()));
        p.controllers().forEach((id, c) -> {
            String at = base + "/Controllers/" + id + "/Posture/";
            if (values.get(newNodeId(at + StatusTree.PostureVariable.PROBED_AT.name)) == null) {
                return; // not a controller of this pair
            }
            setGood(at + StatusTree.PostureVariable.PROBED_AT.name, time(c.probedAt()));
            setGood(
                    at + StatusTree.PostureVariable.BASELINE.name,
                    joined(p.baseline().getOrDefault(id, List.of())));
            setGood(at + StatusTree.PostureVariable.TLS.name, String.join("; ", c.tlsVersions()));
            setGood(at + StatusTree.PostureVariable.WEAK_SUITES.name, String.join("; ", c.weakSuites()));
            setGood(at + StatusTree.PostureVariable.PLAIN_MODBUS.name, Boolean.TRUE.equals(c.plainModbus()));
            setGood(
                    at + StatusTree.PostureVariable.ENDPOINTS.name,
                    c.opcUa() == null ? "" : joined(c.opcUa().endpoints()));
            setGood(
                    at + StatusTree.PostureVariable.ANONYMOUS.name,
                    c.opcUa() != null && c.opcUa().anonymous());
            ControllerPosture.Certificate cert = c.certificate();
            setGood(at + StatusTree.PostureVariable.CERTIFICATE.name, cert == null ? "" : cert.thumbprint());
            setGood(at + StatusTree.PostureVariable.ISSUER.name, cert == null ? "" : cert.issuer());
            setGood(at + StatusTree.PostureVariable.NOT_AFTER.name, time(cert == null ? null : cert.notAfter()));
            setGood(at + StatusTree.PostureVariable.KEY.name, cert == null ? "" : cert.key());
            ControllerPosture.Identity identity = c.identity();
            setGood(at + StatusTree.PostureVariable.PROGRAM.name, identity == null ? "" : text(identity.program()));
            setGood(at + StatusTree.PostureVariable.FIRMWARE.name, identity == null ? "" : text(identity.firmware()));
            setGood(
                    at + StatusTree.PostureVariable.CONFIG_HASH.name,
                    identity == null ? "" : text(identity.configHash()));
        });
    }

    private static String joined(List<?> items) {
        return items.stream().map(String::valueOf).collect(Collectors.joining("; "));
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private UaFolderNode folder(String path, String name) {
        UaFolderNode folder = new UaFolderNode(
                getNodeContext(), newNodeId(path), newQualifiedName(name), LocalizedText.english(name));
        getNodeManager().addNode(folder);
        return folder;
    }

    private UaVariableNode variable(String path, String name, NodeId type, String description) {
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                .setNodeId(newNodeId(path))
                .setBrowseName(newQualifiedName(name))
                .setDisplayName(LocalizedText.english(name))
                .setDescription(LocalizedText.english(description))
                .setDataType(type)
                .setTypeDefinition(NodeIds.BaseDataVariableType)
                .setAccessLevel(AccessLevel.READ_ONLY)
                .setUserAccessLevel(AccessLevel.READ_ONLY)
                .build();
        NodeId id = node.getNodeId();
        values.put(id, new DataValue(new StatusCode(StatusCodes.Bad_WaitingForInitialData)));
        node.getFilterChain().addLast(new ValueFilter(id, null, null));
        getNodeManager().addNode(node);
        return node;
    }

    private UaVariableNode tagVariable(Pair pair, TagConfig tag) {
        boolean writable = !tag.writableBy().isEmpty();
        String description = tag.name() + " in " + (tag.unit().isEmpty() ? "engineering units" : tag.unit())
                + ", " + tag.min() + ".." + tag.max()
                + (writable ? "; writable by " + String.join(", ", tag.writableBy()) : "; read-only");
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                .setNodeId(newNodeId(tagPath(pair.pairName(), tag.name())))
                .setBrowseName(newQualifiedName(tag.name()))
                .setDisplayName(LocalizedText.english(tag.name()))
                .setDescription(LocalizedText.english(description))
                .setDataType(NodeIds.Double)
                .setTypeDefinition(NodeIds.BaseDataVariableType)
                .setAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                .setUserAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                .build();
        NodeId id = node.getNodeId();
        values.put(id, new DataValue(new StatusCode(StatusCodes.Bad_WaitingForInitialData)));
        node.getFilterChain().addLast(new ValueFilter(id, pair, tag));
        getNodeManager().addNode(node);
        return node;
    }

    static String tagPath(String pair, String tag) {
        return "Pairs/" + pair + "/Tags/" + tag;
    }

    private void method(UaFolderNode owner, String base, String name, Pair pair, Set<CommandAction> accepted) {
        UaMethodNode node = UaMethodNode.builder(getNodeContext())
                .setNodeId(newNodeId(base + "/" + name))
                .setBrowseName(newQualifiedName(name))
                .setDisplayName(LocalizedText.english(name))
                .setDescription(LocalizedText.english(name + ": runs a signed command (a CMS SignedData envelope,"
                        + " see docs/security.md) of "
                        + accepted.stream().map(CommandAction::wireName).toList()
                        + " for pair " + pair.pairName()))
                .build();
        CommandMethod handler = new CommandMethod(node, pair.pairName(), accepted);
        node.setInputArguments(handler.getInputArguments());
        node.setOutputArguments(handler.getOutputArguments());
        node.setInvocationHandler(handler);
        getNodeManager().addNode(node);
        owner.addComponent(node);
    }

    // ---- values ----------------------------------------------------------------------------------

    private void publishTags(Pair pair, TagImage image) {
        for (Map.Entry<String, TagImage.Value> e : image.values().entrySet()) {
            TagImage.Value v = e.getValue();
            DataValue value = switch (v.quality()) {
                case GOOD ->
                    new DataValue(new Variant(v.engineering()), StatusCode.GOOD, time(v.sourceTime()), DateTime.now());
                case LAST_USABLE ->
                    new DataValue(
                            new Variant(v.engineering()),
                            new StatusCode(StatusCodes.Uncertain_LastUsableValue),
                            time(v.sourceTime()),
                            DateTime.now());
                case NO_DATA -> new DataValue(new StatusCode(StatusCodes.Bad_WaitingForInitialData));
            };
            set(newNodeId(tagPath(pair.pairName(), e.getKey())), value);
        }
    }

    /** Refreshes the status variables of every pair; called periodically by the server. */
    void publishStatus() {
        pairs.forEach(this::publishStatus);
    }

    private void publishStatus(Pair pair) {
        PairStatus s = pair.status();
        String base = "Pairs/" + pair.pairName() + "/Status/";
        setGood(base + StatusTree.StatusVariable.ACTIVE.path, s.activeId() == null ? "" : s.activeId());
        setGood(base + StatusTree.StatusVariable.STATE.path, s.state().name());
        setGood(base + StatusTree.StatusVariable.SERVICE_LEVEL.path, Unsigned.ubyte(ServiceLevels.of(s)));
        setGood(base + StatusTree.StatusVariable.FAILOVERS.path, Unsigned.uint(s.switchovers()));
        setGood(base + StatusTree.StatusVariable.HIGHEST_RTO.path, s.maxRtoMillis());
        setGood(
                base + StatusTree.StatusVariable.ALARMS.path,
                s.alarms().entrySet().stream()
                        .map(a -> a.getKey().name() + ": " + a.getValue())
                        .collect(Collectors.joining("; ")));
        SwitchoverReport last = s.lastSwitchover();
        Instant when = lastSwitchoverTime.get(pair.pairName());
        if (last != null) {
            setGood(base + StatusTree.StatusVariable.LAST_KIND.path, last.kind().name());
            setGood(
                    base + StatusTree.StatusVariable.LAST_OUTCOME.path,
                    last.outcome().name());
            setGood(base + StatusTree.StatusVariable.LAST_FROM.path, Objects.toString(last.from(), ""));
            setGood(base + StatusTree.StatusVariable.LAST_TO.path, Objects.toString(last.to(), ""));
            setGood(
                    base + StatusTree.StatusVariable.LAST_REASON.path,
                    last.reason() + (last.ok() ? "" : ": " + last.failure()));
            if (last.ok() && last.rtoMillis().isPresent()) {
                setGood(
                        base + StatusTree.StatusVariable.LAST_RTO.path,
                        last.rtoMillis().getAsDouble());
            } else {
                // No RTO: a failed attempt, or nobody was known to drive before. No number is better than a false one.
                set(
                        newNodeId(base + StatusTree.StatusVariable.LAST_RTO.path),
                        new DataValue(new StatusCode(StatusCodes.Bad_NoData)));
            }
            set(
                    newNodeId(base + StatusTree.StatusVariable.LAST_TIME.path),
                    when == null
                            ? new DataValue(new StatusCode(StatusCodes.Uncertain_NoCommunicationLastUsableValue))
                            : new DataValue(new Variant(new DateTime(when))));
        }
        MirrorStatus m = pair.mirror().status();
        setGood(base + StatusTree.StatusVariable.MIRROR_IN_SYNC.path, m.inSync());
        setGood(base + StatusTree.StatusVariable.MIRROR_LAG.path, (double) m.lagMillis());
        setGood(base + StatusTree.StatusVariable.MIRROR_LAG_CYCLES.path, (double) m.lagCycles());
        setGood(
                base + StatusTree.StatusVariable.MIRROR_REJECTED.path,
                m.rejected().entrySet().stream()
                        .map(r -> r.getKey() + ": " + r.getValue().rule() + ": "
                                + r.getValue().detail())
                        .collect(Collectors.joining("; ")));
        setGood(
                base + StatusTree.StatusVariable.MIRROR_UNAUTHORISED.path,
                m.unauthorised().entrySet().stream()
                        .map(u -> u.getKey() + ": " + u.getValue())
                        .collect(Collectors.joining("; ")));
        for (var c : pair.config().controllers()) {
            Health h = s.health().get(c.id());
            ControllerLink link = pair.link(c.id());
            String cBase = "Pairs/" + pair.pairName() + "/Controllers/" + c.id() + "/";
            setGood(
                    cBase + StatusTree.ControllerVariable.CONDITION.name,
                    h.condition().name());
            setGood(cBase + StatusTree.ControllerVariable.REACHABLE.name, h.reachable());
            setGood(cBase + StatusTree.ControllerVariable.ROLE.name, h.role().name());
            setGood(
                    cBase + StatusTree.ControllerVariable.RUN_STATUS.name,
                    h.status().name());
            setGood(
                    cBase + StatusTree.ControllerVariable.LATENCY.name,
                    h.latencyNanos() < 0 ? -1.0 : h.latencyNanos() / 1e6);
            setGood(cBase + StatusTree.ControllerVariable.REASON.name, h.reason());
            setGood(
                    cBase + StatusTree.ControllerVariable.FENCED.name,
                    s.fenced().contains(c.id()));
            setGood(cBase + StatusTree.ControllerVariable.DRIVING.name, h.drives());
            setGood(cBase + StatusTree.ControllerVariable.DETECTION_ARMED.name, pair.detectionArmed(c.id()));
            setGood(
                    cBase + StatusTree.ControllerVariable.RESPONSE_DEADLINE.name,
                    pair.responseDeadline(c.id()).deadlineMillis());
            setGood(cBase + StatusTree.ControllerVariable.ENDPOINT.name, link.endpoint());
            setGood(cBase + StatusTree.ControllerVariable.SECURE.name, link.secure());
        }
    }

    private void setGood(String path, Object value) {
        set(newNodeId(path), new DataValue(new Variant(value)));
    }

    private static DateTime time(Instant instant) {
        return instant == null ? DateTime.MIN_VALUE : new DateTime(instant);
    }

    /** Stores a value and pushes it to the monitored items of the node, if it changed. */
    private void set(NodeId id, DataValue value) {
        DataValue old = values.put(id, value);
        if (old != null
                && Objects.equals(old.value(), value.value())
                && Objects.equals(old.statusCode(), value.statusCode())
                && Objects.equals(old.sourceTime(), value.sourceTime())) {
            return;
        }
        Set<DataItem> watchers = items.get(id);
        if (watchers != null) {
            watchers.forEach(item -> item.setValue(value));
        }
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        for (DataItem item : dataItems) {
            NodeId id = item.getReadValueId().getNodeId();
            items.computeIfAbsent(id, k -> new CopyOnWriteArraySet<>()).add(item);
            DataValue current = values.get(id);
            if (current != null) {
                item.setValue(current);
            }
        }
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        // Values are pushed on change; a new sampling interval changes nothing.
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        for (DataItem item : dataItems) {
            Set<DataItem> watchers = items.get(item.getReadValueId().getNodeId());
            if (watchers != null) {
                watchers.remove(item);
            }
        }
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        // DataItem.setValue honours the monitoring mode itself.
    }

    // ---- reads and writes ------------------------------------------------------------------------

    /** Serves the Value attribute from the value store; a tag also takes writes through the command policy. */
    private final class ValueFilter implements AttributeFilter {

        private final NodeId id;
        private final Pair pair;
        private final TagConfig tag;

        ValueFilter(NodeId id, Pair pair, TagConfig tag) {
            this.id = id;
            this.pair = pair;
            this.tag = tag;
        }

        @Override
        public Object getAttribute(AttributeFilterContext ctx, AttributeId attributeId) {
            if (attributeId == AttributeId.Value) {
                return values.get(id);
            }
            if (attributeId == AttributeId.UserAccessLevel
                    && tag != null
                    && !tag.writableBy().isEmpty()) {
                boolean writer = tag.writableBy().contains(ScadaUsers.role(ctx.getSession()));
                return AccessLevel.toValue(writer ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY);
            }
            return ctx.getAttribute(attributeId);
        }

        @Override
        public void writeAttribute(AttributeFilterContext ctx, AttributeId attributeId, Object value)
                throws UaException {
            if (attributeId != AttributeId.Value
                    || tag == null
                    || tag.writableBy().isEmpty()) {
                throw new UaException(StatusCodes.Bad_NotWritable);
            }
            Optional<Session> session = ctx.getSession();
            Object written = value instanceof DataValue dv ? dv.value().value() : null;
            if (!(written instanceof Number number)) {
                throw new UaException(StatusCodes.Bad_TypeMismatch);
            }
            CommandResult result = commands.writeTagAsUser(
                    pair.pairName(),
                    tag.name(),
                    number.doubleValue(),
                    ScadaUsers.user(session),
                    ScadaUsers.role(session),
                    ScadaUsers.origin(session));
            long status = statusOf(result);
            if (status != StatusCodes.Good) {
                throw new UaException(status, result.code() + ": " + result.detail());
            }
        }
    }

    /** The OPC UA status code of a command result. */
    static long statusOf(CommandResult result) {
        return switch (result.outcome()) {
            case DONE -> StatusCodes.Good;
            case REJECTED ->
                switch (result.code()) {
                    case "ROLE_NOT_PERMITTED", "NO_ROLE" -> StatusCodes.Bad_UserAccessDenied;
                    case "OUT_OF_BOUNDS" -> StatusCodes.Bad_OutOfRange;
                    case "BAD_ARGUMENT" -> StatusCodes.Bad_InvalidArgument;
                    default -> StatusCodes.Bad_SecurityChecksFailed;
                };
            case FAILED ->
                switch (result.code()) {
                    case "NO_ACTIVE" -> StatusCodes.Bad_NoCommunication;
                    case "SWITCHING" -> StatusCodes.Bad_ResourceUnavailable;
                    default -> StatusCodes.Bad_CommunicationError;
                };
        };
    }

    /** A method taking a signed command envelope; answers the command's outcome, code and detail. */
    private final class CommandMethod extends AbstractMethodInvocationHandler {

        private final String pairName;
        private final Set<CommandAction> accepted;

        CommandMethod(UaMethodNode node, String pairName, Set<CommandAction> accepted) {
            super(node);
            this.pairName = pairName;
            this.accepted = Set.copyOf(accepted);
        }

        @Override
        public Argument[] getInputArguments() {
            return new Argument[] {
                new Argument(
                        "Envelope",
                        NodeIds.ByteString,
                        -1,
                        null,
                        LocalizedText.english("the signed command: CMS SignedData (DER), as 'gateway sign' writes it"))
            };
        }

        @Override
        public Argument[] getOutputArguments() {
            return new Argument[] {
                new Argument("Outcome", NodeIds.String, -1, null, LocalizedText.english("DONE, REJECTED or FAILED")),
                new Argument("Code", NodeIds.String, -1, null, LocalizedText.english("DONE, or why not")),
                new Argument("Detail", NodeIds.String, -1, null, LocalizedText.english("a sentence for people"))
            };
        }

        @Override
        protected Variant[] invoke(InvocationContext context, Variant[] inputs) throws UaException {
            Optional<Session> session = context.getSession();
            if (ScadaUsers.user(session).equals("anonymous")) {
                throw new UaException(
                        StatusCodes.Bad_UserAccessDenied, "commands need an authenticated (X.509) user session");
            }
            Object envelope = inputs[0].value();
            if (!(envelope instanceof ByteString bytes) || bytes.isNull()) {
                throw new UaException(StatusCodes.Bad_InvalidArgument, "Envelope must be a non-null ByteString");
            }
            CommandResult result = commands.submit(
                    bytes.bytesOrEmpty(),
                    ScadaUsers.origin(session) + " user " + ScadaUsers.user(session),
                    pairName,
                    accepted);
            return new Variant[] {
                new Variant(result.outcome().name()), new Variant(result.code()), new Variant(result.detail())
            };
        }
    }
}
