package org.tensorkit.core.internal;

import java.nio.MappedByteBuffer;

/**
 * Unmaps a file mapping now rather than when the garbage collector finds it dead, so that a process writing a file
 * of gigabytes through mappings does not keep every page of it in its resident set. The buffer, and every view of
 * it, must not be touched afterwards: an access to an unmapped buffer crashes the JVM.
 */
public final class Mapped {
    private Mapped() {
    }

    /** Unmaps {@code buffer} (a buffer {@code FileChannel.map} returned, not a view of one) if the JVM allows it. */
    public static void unmap(MappedByteBuffer buffer) {
        if (buffer != null) {
            NativeMemory.unmap(buffer);
        }
    }
}
