package org.tensorkit.models.saving;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A STORED (uncompressed) zip entry mapped in place, read-only: where the {@code .keras} file's weights are, so that
 * loading reads them where they lie instead of extracting them to a temporary file first. Finds the entry through
 * the central directory, checks its local header names the same entry and its bytes against the central
 * directory's CRC-32 (what {@code ZipFile}'s stream would check), and maps it. {@link #map} gives empty for anything
 * it does not handle (a compressed entry, one of 2 GiB or more, a zip64 archive, an archive with a prefix), and the
 * caller extracts instead.
 */
final class StoredEntry {
    private static final int EOCD = 0x06054b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;

    private StoredEntry() {
    }

    /**
     * The bytes of entry {@code name} of the zip {@code file}, mapped read-only, or empty when it cannot be mapped.
     *
     * @throws IOException if the entry's bytes do not match its CRC-32 (a damaged archive), naming the file
     */
    static java.util.Optional<ByteBuffer> map(Path file, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int tail = (int) Math.min(size, 22 + 65_535);
            ByteBuffer end = read(ch, size - tail, tail);
            int eocd = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (end.getInt(i) == EOCD) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                return java.util.Optional.empty();
            }
            long cdSize = end.getInt(eocd + 12) & 0xffffffffL;
            long cdOffset = end.getInt(eocd + 16) & 0xffffffffL;
            long entries = end.getShort(eocd + 10) & 0xffff;
            if (cdOffset == 0xffffffffL || cdSize == 0xffffffffL || entries == 0xffff) {
                return java.util.Optional.empty();      // zip64: extracted instead
            }
            if (cdSize > Integer.MAX_VALUE - 8 || cdOffset + cdSize > size) {
                return java.util.Optional.empty();
            }
            ByteBuffer cd = read(ch, cdOffset, (int) cdSize);
            int p = 0;
            for (long k = 0; k < entries && p + 46 <= cd.limit(); k++) {
                if (cd.getInt(p) != CENTRAL) {
                    return java.util.Optional.empty();
                }
                int method = cd.getShort(p + 10) & 0xffff;
                long crc = cd.getInt(p + 16) & 0xffffffffL;
                long compressed = cd.getInt(p + 20) & 0xffffffffL;
                long uncompressed = cd.getInt(p + 24) & 0xffffffffL;
                int nameLength = cd.getShort(p + 28) & 0xffff;
                int extraLength = cd.getShort(p + 30) & 0xffff;
                int commentLength = cd.getShort(p + 32) & 0xffff;
                long local = cd.getInt(p + 42) & 0xffffffffL;
                String entry = new String(bytes(cd, p + 46, nameLength), StandardCharsets.UTF_8);
                if (entry.equals(name)) {
                    if (uncompressed == 0xffffffffL || compressed == 0xffffffffL || local == 0xffffffffL) {
                        return java.util.Optional.empty();
                    }
                    return mapData(ch, file, name, method, crc, uncompressed, compressed, local, size);
                }
                p += 46 + nameLength + extraLength + commentLength;
            }
            return java.util.Optional.empty();
        }
    }

    private static java.util.Optional<ByteBuffer> mapData(FileChannel ch, Path file, String name, int method, long crc,
            long uncompressed, long compressed, long local, long size) throws IOException {
        if (method != 0 || uncompressed != compressed || uncompressed > Integer.MAX_VALUE - 8 || local + 30 > size) {
            return java.util.Optional.empty();
        }
        ByteBuffer header = read(ch, local, 30);
        if (header.getInt(0) != LOCAL) {
            return java.util.Optional.empty();
        }
        int nameLength = header.getShort(26) & 0xffff;
        int extraLength = header.getShort(28) & 0xffff;
        ByteBuffer localName = read(ch, local + 30, nameLength);
        if (!new String(bytes(localName, 0, nameLength), StandardCharsets.UTF_8).equals(name)) {
            return java.util.Optional.empty();
        }
        long data = local + 30 + nameLength + extraLength;
        if (data + uncompressed > size) {
            return java.util.Optional.empty();
        }
        MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, data, uncompressed);
        CRC32 check = new CRC32();
        check.update(mapped.duplicate());
        if (check.getValue() != crc) {
            throw new IOException(file + ": archive entry \"" + name + "\" is damaged: invalid entry CRC (expected 0x"
                    + Long.toHexString(crc) + " but got 0x" + Long.toHexString(check.getValue()) + ")");
        }
        return java.util.Optional.of(mapped);
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new IOException("unexpected end of zip at " + (at + b.position()));
            }
        }
        return b.flip();
    }

    private static byte[] bytes(ByteBuffer b, int at, int n) {
        byte[] out = new byte[n];
        b.get(at, out);
        return out;
    }
}
