package dev.failover.gateway.config;

import java.util.List;
import java.util.Objects;

/** One redundant pair: two controllers, their status registers, the tag map and the failover policy. */
public record PairConfig(
        String name,
        List<ControllerConfig> controllers,
        StatusRegisters registers,
        List<TagConfig> tags,
        FailoverPolicy failover) {

    public PairConfig {
        Objects.requireNonNull(name, "name");
        controllers = List.copyOf(controllers);
        tags = List.copyOf(tags);
        Objects.requireNonNull(registers, "registers");
        Objects.requireNonNull(failover, "failover");
        if (controllers.size() != 2) {
            throw new IllegalArgumentException("a pair has exactly two controllers, got " + controllers.size());
        }
        if (controllers.get(0).preferredRole() == controllers.get(1).preferredRole()) {
            throw new IllegalArgumentException("one controller must be preferred primary and the other standby");
        }
    }

    public ControllerConfig primary() {
        return controllers.stream()
                .filter(c -> c.preferredRole() == PreferredRole.PRIMARY)
                .findFirst()
                .orElseThrow();
    }

    public ControllerConfig secondary() {
        return controllers.stream()
                .filter(c -> c.preferredRole() == PreferredRole.STANDBY)
                .findFirst()
                .orElseThrow();
    }

    public ControllerConfig controller(String id) {
        return controllers.stream()
                .filter(c -> c.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no controller " + id + " in pair " + name));
    }
}
