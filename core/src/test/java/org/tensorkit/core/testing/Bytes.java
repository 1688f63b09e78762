package org.tensorkit.core.testing;

/** Byte-array helpers of the file-format tests (which corrupt a byte at a known place). */
public final class Bytes {
    private Bytes() {
    }

    /** The first position of {@code needle} in {@code haystack}; fails the test when it is absent. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("bytes not found");
    }
}
