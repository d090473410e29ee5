package dev.failover.gateway.link.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.config.StatusNodes;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tag values and the status block between the link and OPC UA data types. */
class UaValuesTest {

    private static TagConfig tag(TagType type) {
        return new TagConfig(
                "t", TagConfig.NO_ADDRESS, type, 1, "", -1e12, 1e12, false, List.of(), StatusNodes.plcSim("T"));
    }

    private static DataValue good(Object value) {
        return new DataValue(new Variant(value));
    }

    @Test
    void eachTagTypeIsWrittenAsItsOpcUaDataType() throws Exception {
        assertThat(UaValues.encode(TagType.UINT16, 65535).value()).isEqualTo(Unsigned.ushort(65535));
        assertThat(UaValues.encode(TagType.INT16, -32768).value()).isEqualTo((short) -32768);
        assertThat(UaValues.encode(TagType.UINT32, 4294967295.0).value()).isEqualTo(Unsigned.uint(4294967295L));
        assertThat(UaValues.encode(TagType.INT32, -2147483648.0).value()).isEqualTo(Integer.MIN_VALUE);
        assertThat(UaValues.encode(TagType.FLOAT32, 1.5).value()).isEqualTo(1.5f);
    }

    @ParameterizedTest
    @CsvSource({"UINT16, 65536", "UINT16, -1", "INT16, 32768", "UINT32, 4294967296", "INT32, 2147483648"})
    void aValueOutsideTheTypesRangeIsNotEncoded(TagType type, double raw) {
        assertThatThrownBy(() -> UaValues.encode(type, raw))
                .isInstanceOf(UaValues.DoesNotFit.class)
                .hasMessageContaining("outside the " + type);
    }

    @Test
    void aFractionIsNotAnIntegerAndNaNIsNothing() {
        assertThatThrownBy(() -> UaValues.encode(TagType.UINT16, 1.5)).hasMessageContaining("not an integer");
        assertThatThrownBy(() -> UaValues.encode(TagType.FLOAT32, Double.NaN)).hasMessageContaining("not a finite");
        assertThatThrownBy(() -> UaValues.encode(TagType.FLOAT32, 1e39)).hasMessageContaining("FLOAT32 range");
    }

    @Test
    void eachTypeIsReadBackAsARawDouble() throws Exception {
        assertThat(UaValues.decode(tag(TagType.UINT16), good(Unsigned.ushort(65535))))
                .isEqualTo(65535);
        assertThat(UaValues.decode(tag(TagType.INT16), good((short) -5))).isEqualTo(-5);
        assertThat(UaValues.decode(tag(TagType.UINT32), good(UInteger.MAX))).isEqualTo(4294967295.0);
        assertThat(UaValues.decode(tag(TagType.INT32), good(-7))).isEqualTo(-7);
        assertThat(UaValues.decode(tag(TagType.FLOAT32), good(0.1f))).isEqualTo((double) 0.1f);
    }

    /** An Int16 read as UInt16 would turn -1 into 65535: a type mismatch is an error, not a conversion. */
    @Test
    void aVariableOfAnotherTypeIsAProtocolError() {
        assertThatThrownBy(() -> UaValues.decode(tag(TagType.UINT16), good((short) -1)))
                .isInstanceOfSatisfying(
                        UaValues.Unexpected.class, e -> assertThat(e.error()).isEqualTo(LinkError.PROTOCOL))
                .hasMessageContaining("Int16")
                .hasMessageContaining("UInt16");
    }

    @Test
    void aBadStatusIsRejectedWithItsName() {
        DataValue bad = new DataValue(new StatusCode(StatusCodes.Bad_NodeIdUnknown));

        assertThatThrownBy(() -> UaValues.decode(tag(TagType.UINT16), bad))
                .isInstanceOfSatisfying(
                        UaValues.Unexpected.class, e -> assertThat(e.error()).isEqualTo(LinkError.REJECTED))
                .hasMessageContaining("Bad_NodeIdUnknown");
    }

    @Test
    void theStatusBlockUsesTheRegisterEncodings() throws Exception {
        DataValue[] values = {
            good(Unsigned.ushort(4711)),
            good(Unsigned.ushort(1)),
            good(Unsigned.ushort(2)),
            good(Unsigned.ushort(0b10)),
            good(Unsigned.ushort(0))
        };

        StatusReading reading = UaValues.status(values);

        assertThat(reading).isEqualTo(new StatusReading(4711, RunStatus.RUN, RuntimeRole.STANDBY, false, true, 0));
    }

    @Test
    void unknownCodesAreUnknownNotErrors() throws Exception {
        UShort nine = Unsigned.ushort(9);
        StatusReading reading =
                UaValues.status(new DataValue[] {good(nine), good(nine), good(nine), good(nine), good(nine)});

        assertThat(reading.status()).isEqualTo(RunStatus.UNKNOWN);
        assertThat(reading.role()).isEqualTo(RuntimeRole.UNKNOWN);
        assertThat(reading.outputsEnabled()).isTrue();
    }

    @Test
    void aStatusVariableThatIsNotUInt16IsAProtocolError() {
        DataValue[] values = {
            good(Unsigned.ushort(1)),
            good(1),
            good(Unsigned.ushort(1)),
            good(Unsigned.ushort(1)),
            good(Unsigned.ushort(0))
        };

        assertThatThrownBy(() -> UaValues.status(values))
                .isInstanceOfSatisfying(
                        UaValues.Unexpected.class, e -> assertThat(e.error()).isEqualTo(LinkError.PROTOCOL))
                .hasMessageContaining("status status holds a value of type Int32");
    }
}
