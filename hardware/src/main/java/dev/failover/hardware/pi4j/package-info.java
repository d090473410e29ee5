/**
 * The Raspberry Pi implementation of the box I/O on Pi4J 3: the only package that imports {@code
 * com.pi4j}. {@link dev.failover.hardware.pi4j.Pi4jHardware} builds a pair's parts from a {@link
 * dev.failover.hardware.HardwareConfig} on a Pi4J {@code Context} supplied by the caller: on the box a
 * context with the gpiod provider, in tests one with only the mock platform and mock digital providers.
 */
package dev.failover.hardware.pi4j;
