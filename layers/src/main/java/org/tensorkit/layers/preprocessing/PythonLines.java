package org.tensorkit.layers.preprocessing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Python's {@code str.splitlines()}, which Keras's {@code load_assets} reads a vocabulary with. */
final class PythonLines {
    private PythonLines() {
    }

    /** Whether {@code c} ends a line for {@code splitlines}. */
    private static boolean isBreak(char c) {
        return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85
                || c == 0x2028 || c == 0x2029;
    }

    /** Whether {@code s} holds a character that {@code splitlines} breaks on. */
    static boolean hasBreak(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isBreak(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code text.splitlines()}: {@code \r\n} is one break, no empty last line for a final break. */
    static List<String> split(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isBreak(c)) {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    /** {@code bytes} decoded as strict UTF-8; refused naming {@code what}. */
    static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid UTF-8: " + e.getMessage(), e);
        }
    }
}
