package dev.failover.plcsim.opcua;

import dev.failover.plcsim.modbus.BankResult;
import dev.failover.plcsim.modbus.RegisterBank;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilter;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilterContext;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;

/**
 * The plc-sim address space: under Objects a folder per block of the register map, one variable per
 * {@link Tag}. Values are read from the {@link RegisterBank} on every read (and every sample of a
 * monitored item), never cached; writes go through the same bank, so the Modbus rules (ranges, all or
 * nothing, promotion only in RUN) apply unchanged. Writable tags accept writes only from a session
 * whose user the {@code canWrite} predicate accepts; others get {@code Bad_UserAccessDenied}.
 *
 * <p>{@code Status/RoleCommand} is a UInt16[5] over the role command block (registers 30-34): a write
 * of all five elements is one bank write, so the deadline and the role are applied together or not
 * at all; any other length is {@code Bad_TypeMismatch}. A stale deadline, like an invalid role,
 * answers {@code Bad_OutOfRange} (Modbus exception 03).
 */
final class PlcNamespace extends ManagedNamespaceWithLifecycle {

    /** The namespace URI: the same on every controller, so a pair has the same node ids. */
    static final String URI = "urn:dev.failover:plc-sim";

    private final RegisterBank bank;
    private final Predicate<Session> canWrite;
    private final SubscriptionModel subscriptions;

    PlcNamespace(OpcUaServer server, RegisterBank bank, Predicate<Session> canWrite) {
        super(server, URI);
        this.bank = bank;
        this.canWrite = canWrite;
        this.subscriptions = new SubscriptionModel(server, this);
        getLifecycleManager().addLifecycle(subscriptions);
        getLifecycleManager().addStartupTask(this::addNodes);
    }

    private void addNodes() {
        for (String folderName : Tag.FOLDERS) {
            UaFolderNode folder = new UaFolderNode(
                    getNodeContext(),
                    newNodeId(folderName),
                    newQualifiedName(folderName),
                    LocalizedText.english(folderName));
            getNodeManager().addNode(folder);
            folder.addReference(
                    new Reference(folder.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
            for (Tag tag : Tag.ALL) {
                if (tag.folder().equals(folderName)) {
                    UaVariableNode node = variable(tag);
                    getNodeManager().addNode(node);
                    folder.addOrganizes(node);
                }
            }
        }
    }

    private UaVariableNode variable(Tag tag) {
        UaVariableNode.UaVariableNodeBuilder builder = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                .setNodeId(newNodeId(tag.nodeIdentifier()))
                .setBrowseName(newQualifiedName(tag.name()))
                .setDisplayName(LocalizedText.english(tag.name()))
                .setDataType(dataType(tag.type()))
                .setTypeDefinition(NodeIds.BaseDataVariableType)
                .setAccessLevel(tag.writable() ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                .setUserAccessLevel(tag.writable() ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                .setValue(new DataValue(StatusCode.GOOD));
        if (tag.type() == Tag.Type.UINT16_ARRAY) {
            builder.setValueRank(ValueRanks.OneDimension)
                    .setArrayDimensions(new UInteger[] {Unsigned.uint(tag.count())});
        }
        UaVariableNode node = builder.build();
        node.getFilterChain().addLast(new BankFilter(tag));
        return node;
    }

    private static NodeId dataType(Tag.Type type) {
        return switch (type) {
            case UINT16, UINT16_ARRAY -> NodeIds.UInt16;
            case ASCII -> NodeIds.String;
            case BYTES -> NodeIds.ByteString;
        };
    }

    /** Reads and writes one tag's registers through the bank. */
    private final class BankFilter implements AttributeFilter {

        private final Tag tag;

        BankFilter(Tag tag) {
            this.tag = tag;
        }

        @Override
        public Object getAttribute(AttributeFilterContext ctx, AttributeId attributeId) {
            if (attributeId == AttributeId.Value) {
                return read();
            }
            if (attributeId == AttributeId.UserAccessLevel && tag.writable()) {
                boolean writer = ctx.getSession().map(canWrite::test).orElse(false);
                return AccessLevel.toValue(writer ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY);
            }
            return ctx.getAttribute(attributeId);
        }

        @Override
        public void writeAttribute(AttributeFilterContext ctx, AttributeId attributeId, Object value)
                throws UaException {
            if (attributeId != AttributeId.Value) {
                throw new UaException(StatusCodes.Bad_NotWritable);
            }
            if (!tag.writable()) {
                throw new UaException(StatusCodes.Bad_NotWritable);
            }
            Optional<Session> session = ctx.getSession();
            if (session.isEmpty() || !canWrite.test(session.get())) {
                throw new UaException(StatusCodes.Bad_UserAccessDenied);
            }
            Object written =
                    value instanceof DataValue dataValue ? dataValue.value().value() : null;
            BankResult result = bank.write(tag.address(), registers(written));
            if (result instanceof BankResult.Rejected rejected) {
                throw new UaException(
                        switch (rejected.code()) {
                            case ILLEGAL_DATA_VALUE -> StatusCodes.Bad_OutOfRange;
                            case SERVER_DEVICE_FAILURE -> StatusCodes.Bad_InvalidState;
                            case ILLEGAL_DATA_ADDRESS -> StatusCodes.Bad_NotWritable;
                            default -> StatusCodes.Bad_InternalError;
                        });
            }
        }

        /** The registers a written value stands for, all of them in one array. */
        private int[] registers(Object written) throws UaException {
            if (tag.type() == Tag.Type.UINT16 && written instanceof UShort register) {
                return new int[] {register.intValue()};
            }
            if (tag.type() == Tag.Type.UINT16_ARRAY
                    && written instanceof UShort[] array
                    && array.length == tag.count()) {
                int[] registers = new int[array.length];
                for (int i = 0; i < array.length; i++) {
                    if (array[i] == null) {
                        throw new UaException(StatusCodes.Bad_TypeMismatch);
                    }
                    registers[i] = array[i].intValue();
                }
                return registers;
            }
            throw new UaException(StatusCodes.Bad_TypeMismatch);
        }

        private DataValue read() {
            BankResult result = bank.read(tag.address(), tag.count());
            if (!(result instanceof BankResult.Values values)) {
                return new DataValue(new StatusCode(StatusCodes.Bad_InternalError));
            }
            int[] registers = values.registers();
            Variant variant = switch (tag.type()) {
                case UINT16 -> new Variant(Unsigned.ushort(registers[0]));
                case UINT16_ARRAY -> new Variant(ushorts(registers));
                case ASCII -> new Variant(ascii(registers));
                case BYTES -> new Variant(ByteString.of(bytes(registers)));
            };
            return new DataValue(variant);
        }
    }

    private static UShort[] ushorts(int[] registers) {
        UShort[] values = new UShort[registers.length];
        for (int i = 0; i < registers.length; i++) {
            values[i] = Unsigned.ushort(registers[i]);
        }
        return values;
    }

    private static byte[] bytes(int[] registers) {
        byte[] bytes = new byte[registers.length * 2];
        for (int i = 0; i < registers.length; i++) {
            bytes[2 * i] = (byte) (registers[i] >>> 8);
            bytes[2 * i + 1] = (byte) registers[i];
        }
        return bytes;
    }

    private static String ascii(int[] registers) {
        byte[] bytes = bytes(registers);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        subscriptions.onDataItemsCreated(dataItems);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        subscriptions.onDataItemsModified(dataItems);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        subscriptions.onDataItemsDeleted(dataItems);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        subscriptions.onMonitoringModeChanged(monitoredItems);
    }
}
