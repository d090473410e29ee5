package dev.failover.gateway.command;

import dev.failover.gateway.config.TagConfig;
import java.util.Optional;

/** Checks an engineering value against a tag's type, resolution and bounds. */
final class TagValues {

    private TagValues() {}

    static Optional<Decision.Rejected> check(TagConfig tag, Object value, String signer, String id) {
        if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            return Optional.of(CommandGuard.reject(
                    RejectReason.BAD_ARGUMENT, "write-tag needs a numeric 'value', got " + value, signer, id));
        }
        double v = number.doubleValue();
        if (v < tag.min() || v > tag.max()) {
            return Optional.of(CommandGuard.reject(
                    RejectReason.OUT_OF_BOUNDS,
                    "value " + v + " of tag " + tag.name() + " is outside " + tag.min() + ".." + tag.max(),
                    signer,
                    id));
        }
        if (tag.type() != TagConfig.TagType.FLOAT32) {
            double raw = v / tag.scale();
            if (Math.abs(raw - Math.rint(raw)) > 1e-6 * Math.max(1, Math.abs(raw))) {
                return Optional.of(CommandGuard.reject(
                        RejectReason.BAD_ARGUMENT,
                        "value " + v + " is not a multiple of " + "the resolution " + tag.scale() + " of tag "
                                + tag.name(),
                        signer,
                        id));
            }
            long r = Math.round(raw);
            long lo = switch (tag.type()) {
                case UINT16, UINT32 -> 0;
                case INT16 -> Short.MIN_VALUE;
                default -> Integer.MIN_VALUE;
            };
            long hi = switch (tag.type()) {
                case UINT16 -> 0xFFFF;
                case INT16 -> Short.MAX_VALUE;
                case UINT32 -> 0xFFFF_FFFFL;
                default -> Integer.MAX_VALUE;
            };
            if (r < lo || r > hi) {
                return Optional.of(CommandGuard.reject(
                        RejectReason.OUT_OF_BOUNDS,
                        "value " + v + " does not fit the " + tag.type() + " registers of tag " + tag.name(),
                        signer,
                        id));
            }
        }
        return Optional.empty();
    }
}
