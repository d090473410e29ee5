package dev.failover.gateway.link.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.gateway.link.modbus.RegisterBlocks.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Grouping tags into Modbus requests, and the register encoding of each tag type (32-bit types high
 * word first, docs/configuration.md). A gap between tags is never read or written: a controller may
 * refuse, or act on, a register that belongs to no tag.
 */
class RegisterBlocksTest {

    private static TagConfig tag(String name, int address, TagType type) {
        return new TagConfig(name, address, type, 1, "", -1e10, 1e10, false, List.of());
    }

    @Test
    void adjacentTagsShareOneBlockWhateverTheirTypes() {
        List<TagConfig> tags = List.of(
                tag("a", 10, TagType.UINT16),
                tag("b", 11, TagType.FLOAT32),
                tag("c", 13, TagType.INT32),
                tag("d", 15, TagType.INT16));

        assertThat(RegisterBlocks.of(tags, 125)).containsExactly(new Block(10, 6, List.of(0, 1, 2, 3)));
    }

    @Test
    void aGapSplitsTheBlock() {
        List<TagConfig> tags =
                List.of(tag("a", 10, TagType.UINT16), tag("b", 12, TagType.UINT16), tag("c", 13, TagType.UINT32));

        assertThat(RegisterBlocks.of(tags, 125))
                .containsExactly(new Block(10, 1, List.of(0)), new Block(12, 3, List.of(1, 2)));
    }

    @Test
    void aThirtyTwoBitTagTakesTwoRegisters() {
        // The second tag starts right after the first's two registers: adjacent, not a gap.
        List<TagConfig> adjacent = List.of(tag("a", 20, TagType.UINT32), tag("b", 22, TagType.UINT16));
        // Here register 22 lies between them: a gap.
        List<TagConfig> gap = List.of(tag("a", 20, TagType.FLOAT32), tag("b", 23, TagType.UINT16));

        assertThat(RegisterBlocks.of(adjacent, 125)).containsExactly(new Block(20, 3, List.of(0, 1)));
        assertThat(RegisterBlocks.of(gap, 125))
                .containsExactly(new Block(20, 2, List.of(0)), new Block(23, 1, List.of(1)));
    }

    @Test
    void blocksFollowAddressOrderAndIndexTheCallersList() {
        List<TagConfig> shuffled = List.of(
                tag("c", 13, TagType.UINT16),
                tag("x", 40, TagType.UINT16),
                tag("a", 10, TagType.UINT16),
                tag("b", 11, TagType.UINT32));

        assertThat(RegisterBlocks.of(shuffled, 125))
                .containsExactly(new Block(10, 4, List.of(2, 3, 0)), new Block(40, 1, List.of(1)));
    }

    @Test
    void theRequestLimitSplitsABlockBetweenTagsNeverWithinOne() {
        List<TagConfig> tags = List.of(
                tag("a", 0, TagType.UINT16),
                tag("b", 1, TagType.UINT16),
                tag("c", 2, TagType.UINT32),
                tag("d", 4, TagType.UINT16));

        // c would end at register 3, the 4th: over the limit of 3, so it starts the next block whole.
        assertThat(RegisterBlocks.of(tags, 3))
                .containsExactly(new Block(0, 2, List.of(0, 1)), new Block(2, 3, List.of(2, 3)));
        assertThat(RegisterBlocks.of(tags, 5)).containsExactly(new Block(0, 5, List.of(0, 1, 2, 3)));
    }

    @Test
    void aRunLongerThanOneModbusReadTakesSeveral() {
        List<TagConfig> tags = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            tags.add(tag("t" + i, 1000 + i, TagType.UINT16));
        }

        List<Block> blocks = RegisterBlocks.of(tags, 125);

        assertThat(blocks).extracting(Block::address, Block::count).containsExactly(tuple(1000, 125), tuple(1125, 5));
        assertThat(blocks.get(1).tagIndexes()).containsExactly(125, 126, 127, 128, 129);
    }

    @Test
    void noTagsMeanNoRequests() {
        assertThat(RegisterBlocks.of(List.of(), 125)).isEmpty();
    }

    @Test
    void aTagWithoutARegisterAddressIsRefused() {
        TagConfig opcUaOnly = new TagConfig(
                "flow", TagConfig.NO_ADDRESS, TagType.UINT16, 1, "", 0, 100, false, List.of(), "ns=2;s=Flow");

        assertThatThrownBy(() -> RegisterBlocks.of(List.of(tag("level", 10, TagType.UINT16), opcUaOnly), 125))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tag flow has no Modbus register address");
    }

    /** Golden register values: what a controller holds for each raw value, high word first. */
    @ParameterizedTest
    @CsvSource({
        "UINT16, 0, 0x0000, 0",
        "UINT16, 65535, 0xFFFF, 0",
        "UINT16, 4660, 0x1234, 0",
        "INT16, -1, 0xFFFF, 0",
        "INT16, -32768, 0x8000, 0",
        "INT16, 32767, 0x7FFF, 0",
        "UINT32, 305419896, 0x1234, 0x5678",
        "UINT32, 2147483648, 0x8000, 0x0000",
        "UINT32, 4294967295, 0xFFFF, 0xFFFF",
        "INT32, -2, 0xFFFF, 0xFFFE",
        "INT32, -2147483648, 0x8000, 0x0000",
        "INT32, 2147483647, 0x7FFF, 0xFFFF",
        "INT32, -65536, 0xFFFF, 0x0000",
        "FLOAT32, 1.0, 0x3F80, 0x0000",
        "FLOAT32, -12.5, 0xC148, 0x0000",
        "FLOAT32, 0.0, 0x0000, 0x0000"
    })
    void encodesAndDecodesEachType(TagType type, double raw, String high, String low) {
        TagConfig tag = tag("t", 0, type);
        int[] expected = type.registers() == 1
                ? new int[] {Integer.decode(high)}
                : new int[] {Integer.decode(high), Integer.decode(low)};
        // At an offset inside a larger block, with neighbours that must stay untouched.
        int[] registers = {0xAAAA, 0xAAAA, 0xAAAA, 0xAAAA};

        RegisterBlocks.encode(tag, raw, registers, 1);

        assertThat(Arrays.copyOfRange(registers, 1, 1 + type.registers())).containsExactly(expected);
        assertThat(registers[0]).isEqualTo(0xAAAA);
        assertThat(registers[1 + type.registers()]).isEqualTo(0xAAAA);
        assertThat(RegisterBlocks.decode(tag, registers, 1)).isEqualTo(raw);
    }

    @Test
    void aFloat32RoundTripsAtSinglePrecision() {
        TagConfig tag = tag("t", 0, TagType.FLOAT32);
        double raw = (float) 0.1;
        int[] registers = new int[2];

        RegisterBlocks.encode(tag, raw, registers, 0);

        assertThat(RegisterBlocks.decode(tag, registers, 0)).isEqualTo(raw);
        assertThat(Float.intBitsToFloat(registers[0] << 16 | registers[1])).isEqualTo(0.1f);
    }

    @Test
    void decodingIgnoresBitsAboveSixteen() {
        // A register read back as a sign-extended short must decode the same as its 16 bits.
        assertThat(RegisterBlocks.decode(tag("t", 0, TagType.UINT16), new int[] {-1}, 0))
                .isEqualTo(65535);
        assertThat(RegisterBlocks.decode(tag("t", 0, TagType.UINT32), new int[] {-1, -1}, 0))
                .isEqualTo(4294967295.0);
        assertThat(RegisterBlocks.decode(tag("t", 0, TagType.INT32), new int[] {-1, -2}, 0))
                .isEqualTo(-2);
    }
}
