package dev.failover.plcsim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * The retentive memory of a controller: what survives a crash and restart. Register units: setpoints
 * in 0.01 %, {@code kp} in 0.01, {@code ti} in 0.1 s. Immutable and thread-safe.
 */
record Settings(Role role, int levelSp, int valveSp, int kp, int ti) {

    static final String PROGRAM_VERSION = "tank-pi 1.0";

    /** Defaults: level 50 %, valve 30 %, Kp 10, Ti 5 s. */
    static Settings initial(Role role) {
        return new Settings(role, 5000, 3000, 1000, 50);
    }

    Settings withRole(Role newRole) {
        return new Settings(newRole, levelSp, valveSp, kp, ti);
    }

    Settings withLevelSp(int value) {
        return new Settings(role, value, valveSp, kp, ti);
    }

    Settings withValveSp(int value) {
        return new Settings(role, levelSp, value, kp, ti);
    }

    Settings withKp(int value) {
        return new Settings(role, levelSp, valveSp, value, ti);
    }

    Settings withTi(int value) {
        return new Settings(role, levelSp, valveSp, kp, value);
    }

    double levelSetpointPercent() {
        return levelSp / 100.0;
    }

    double valveSetpointPercent() {
        return valveSp / 100.0;
    }

    double gain() {
        return kp / 100.0;
    }

    double integralSeconds() {
        return ti / 10.0;
    }

    /**
     * SHA-256 of the program parameters: program version, scan period and PI tuning. Setpoints and
     * role are operator values, not program, so two controllers running the same program agree.
     */
    byte[] configHash(Duration scanPeriod) {
        String parameters =
                "program=" + PROGRAM_VERSION + ";scanMs=" + scanPeriod.toMillis() + ";kp=" + kp + ";ti=" + ti;
        try {
            return MessageDigest.getInstance("SHA-256").digest(parameters.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
