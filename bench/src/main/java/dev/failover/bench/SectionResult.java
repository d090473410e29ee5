package dev.failover.bench;

/**
 * What one section of the failover benchmark printed, and whether it met its targets.
 *
 * @param text the section's figures and its targets line
 * @param met every target of the section was met
 */
record SectionResult(String text, boolean met) {}
