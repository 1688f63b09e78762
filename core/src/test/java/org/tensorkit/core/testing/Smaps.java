package org.tensorkit.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.tensorkit.core.internal.HugePages;

/** What Linux says about this process's memory mappings ({@code /proc/self/smaps}), for the huge-page tests. */
public final class Smaps {
    private Smaps() {
    }

    /**
     * Whether every address of {@code span} (non-empty) lies in mappings that carry the {@code hg} flag, the mark of
     * {@code madvise(MADV_HUGEPAGE)}.
     */
    public static boolean hugePagesAdvised(HugePages.Span span) {
        if (span.bytes() == 0) {
            return false;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long covered = 0;
        long from = 0;
        long to = 0;
        for (String line : lines) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
            } else if (line.startsWith("VmFlags:") && to > span.start() && from < span.end()) {
                if (!(" " + line.substring("VmFlags:".length()) + " ").contains(" hg ")) {
                    return false;
                }
                covered += Math.min(to, span.end()) - Math.max(from, span.start());
            }
        }
        return covered == span.bytes();
    }
}
