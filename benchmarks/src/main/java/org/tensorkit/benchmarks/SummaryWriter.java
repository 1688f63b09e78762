package org.tensorkit.benchmarks;

/** Placeholder. */
public final class SummaryWriter {
    private SummaryWriter() {
    }

    public static void main(String[] args) {
    }
}
