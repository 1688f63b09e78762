package org.tensorkit.vectors;

/** When a long read shows its progress. */
public enum Progress {
    /** On a terminal only (the JVM has a console), once the read has taken more than two seconds. */
    AUTO,
    /** Always, once the read has taken more than two seconds (a line per update when not on a terminal). */
    ALWAYS,
    /** Never. */
    NEVER
}
