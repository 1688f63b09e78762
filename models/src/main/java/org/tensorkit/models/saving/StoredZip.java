package org.tensorkit.models.saving;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.zip.CRC32;

/**
 * A zip of STORED entries written straight to a channel, as a {@code .keras} file needs: the small entries from
 * memory, the weights file as its {@link Content} writes it (jhdf's small structures by
 * {@code FileChannel.transferTo}, the tables from their native buffers, never through a Java array), its CRC-32
 * taken over each chunk as it goes out and patched into the local header after the bytes. {@code java.util.zip.ZipOutputStream} would push every byte through a Java
 * buffer and compute the CRC a second time: 2-3x the time of the copy itself on a 512 MiB table.
 * The format is PKWARE's APPNOTE: local headers, the central directory, and the zip64 records and extra fields when
 * an entry, an offset or the directory passes 4 GiB (or always, when forced, for tests). Names are UTF-8 (flag
 * bit 11); times are the local time of the save, as {@code ZipOutputStream} writes them.
 */
final class StoredZip {
    private static final long MAX32 = 0xffffffffL;
    /** Where a local header holds its entry's CRC-32. */
    private static final int CRC_AT = 14;

    private final WritableByteChannel out;
    private final Patch patch;
    private final boolean forceZip64;
    private final int dosTime;
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private long offset;
    private long count;

    /**
     * A zip written to {@code out} (positioned at the archive's start), whose local headers {@code patch} completes
     * once an entry's CRC-32 is known; with zip64 records everywhere when {@code forceZip64} (for tests).
     */
    StoredZip(WritableByteChannel out, Patch patch, boolean forceZip64) {
        this.out = out;
        this.patch = patch;
        this.forceZip64 = forceZip64;
        this.dosTime = dosTime(LocalDateTime.now());
    }

    /** Adds an entry of {@code data}. */
    void add(String name, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(data);
        long at = offset;
        writeLocal(name, crc.getValue(), data.length);
        write(ByteBuffer.wrap(data));
        record(name, crc.getValue(), data.length, at);
    }

    /**
     * Adds an entry of {@code content}'s bytes, its CRC-32 taken as they are written (each chunk right after it
     * went out, while it is in the cache) and patched into the local header after them.
     */
    void add(String name, Content content) throws IOException {
        long size = content.size();
        long at = offset;
        writeLocal(name, 0, size);
        CRC32 crc = new CRC32();
        CountingChannel counted = new CountingChannel(out);
        content.copyTo(counted, crc);
        if (counted.written != size) {
            throw new IOException("entry " + name + " wrote " + counted.written + " bytes; it has " + size);
        }
        offset += size;
        ByteBuffer value = le(4).putInt((int) crc.getValue()).flip();
        patch.write(value, at + CRC_AT);
        record(name, crc.getValue(), size, at);
    }

    /** Writes the central directory and the end records. */
    void finish() throws IOException {
        byte[] directory = central.toByteArray();
        long cdOffset = offset;
        long cdSize = directory.length;
        write(ByteBuffer.wrap(directory));
        boolean zip64 = forceZip64 || count >= 0xffff || cdOffset >= MAX32 || cdSize >= MAX32;
        if (zip64) {
            long eocd64 = offset;
            ByteBuffer b = le(56 + 20);
            b.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(count).putLong(count).putLong(cdSize).putLong(cdOffset);
            b.putInt(0x07064b50).putInt(0).putLong(eocd64).putInt(1);
            write(b.flip());
        }
        ByteBuffer e = le(22);
        e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? 0xffff : count)).putShort((short) (zip64 ? 0xffff : count))
                .putInt((int) (zip64 ? MAX32 : cdSize)).putInt((int) (zip64 ? MAX32 : cdOffset)).putShort((short) 0);
        write(e.flip());
    }

    private void writeLocal(String name, long crc, long size) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        boolean zip64 = forceZip64 || size >= MAX32;
        ByteBuffer b = le(30 + n.length + (zip64 ? 20 : 0));
        b.putInt(0x04034b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0x0800).putShort((short) 0)
                .putInt(dosTime).putInt((int) crc).putInt((int) (zip64 ? MAX32 : size))
                .putInt((int) (zip64 ? MAX32 : size)).putShort((short) n.length).putShort((short) (zip64 ? 20 : 0))
                .put(n);
        if (zip64) {
            b.putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
        }
        write(b.flip());
    }

    private void record(String name, long crc, long size, long at) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        boolean bigSize = forceZip64 || size >= MAX32;
        boolean bigOffset = forceZip64 || at >= MAX32;
        int extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
        ByteBuffer b = le(46 + n.length + (extra > 0 ? 4 + extra : 0));
        short version = (short) (extra > 0 ? 45 : 20);
        b.putInt(0x02014b50).putShort(version).putShort(version).putShort((short) 0x0800).putShort((short) 0)
                .putInt(dosTime).putInt((int) crc).putInt((int) (bigSize ? MAX32 : size))
                .putInt((int) (bigSize ? MAX32 : size)).putShort((short) n.length)
                .putShort((short) (extra > 0 ? 4 + extra : 0)).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt((int) (bigOffset ? MAX32 : at)).put(n);
        if (extra > 0) {
            b.putShort((short) 1).putShort((short) extra);
            if (bigSize) {
                b.putLong(size).putLong(size);
            }
            if (bigOffset) {
                b.putLong(at);
            }
        }
        central.writeBytes(b.array());
        count++;
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            offset += out.write(b);
        }
    }

    /** An entry's bytes, written once. */
    interface Content {
        /** The number of bytes. */
        long size();

        /** Writes the bytes to {@code out}, adding them to {@code crc}. */
        void copyTo(WritableByteChannel out, CRC32 crc) throws IOException;
    }

    /** A positioned write to the archive's file (a local header's CRC-32, once known). */
    @FunctionalInterface
    interface Patch {
        /** Writes all of {@code bytes} at {@code position} of the archive. */
        void write(ByteBuffer bytes, long position) throws IOException;

        /** Positioned writes to {@code file}. */
        static Patch of(java.nio.channels.FileChannel file) {
            return (bytes, position) -> {
                while (bytes.hasRemaining()) {
                    position += file.write(bytes, position);
                }
            };
        }
    }

    /** {@code out}, counting what is written through it. */
    private static final class CountingChannel implements WritableByteChannel {
        private final WritableByteChannel out;
        private long written;

        CountingChannel(WritableByteChannel out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = out.write(src);
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() {
            // the archive's channel stays open: StoredZip does not own it
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** MS-DOS date and time: the date in the high half, seconds halved, as zip stores them. */
    static int dosTime(LocalDateTime t) {
        int year = Math.max(1980, Math.min(2107, t.getYear()));
        return (year - 1980) << 25 | t.getMonthValue() << 21 | t.getDayOfMonth() << 16 | t.getHour() << 11
                | t.getMinute() << 5 | t.getSecond() >> 1;
    }
}
