/**
 * The gateway box's own I/O, behind small interfaces that carry no vendor type: the output-enable
 * relays of a controller pair ({@link dev.failover.hardware.OutputEnableRelays}, interlocked so that
 * both controllers are never cut at once), the pair's status LEDs ({@link
 * dev.failover.hardware.StatusLeds}) and the manual switchover key ({@link
 * dev.failover.hardware.ManualSwitchInput}).
 *
 * <p>The Raspberry Pi implementation lives in {@code dev.failover.hardware.pi4j}, the only package
 * that imports Pi4J. Wiring and the fail-as-is reasoning are in {@code docs/hardware.md}.
 */
package dev.failover.hardware;
