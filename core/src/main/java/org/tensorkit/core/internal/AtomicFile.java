package org.tensorkit.core.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file all or nothing: into a temporary file beside the target, flushed and synced to disk, then
 * renamed over the target in one step. A failure at any point leaves the previous file as it was and removes
 * the temporary file.
 */
public final class AtomicFile {
    /** What writes the file's content. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the file's bytes to {@code out} (buffered by the caller if it needs to be).
         *
         * @param out the temporary file's stream
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** What writes the file's content through its channel (positioned at 0). */
    @FunctionalInterface
    public interface ChannelContent {
        /**
         * Writes the file's bytes to {@code channel}.
         *
         * @param channel the temporary file's channel
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    /** What writes the file's content by path (for writers that open the file themselves). */
    @FunctionalInterface
    public interface FileContent {
        /**
         * Writes the file's bytes into {@code file} (an empty temporary file beside the target).
         *
         * @param file the temporary file
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeTo(Path file) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Writes {@code target} all or nothing.
     *
     * @param target the file to write
     * @param overwrite whether an existing file may be replaced
     * @param content what writes the bytes
     * @throws IOException if the directory is missing, the file exists and {@code overwrite} is false, or writing
     *     fails; the target is then as it was
     */
    public static void write(Path target, boolean overwrite, Content content) throws IOException {
        writeChannel(target, overwrite, ch -> {
            OutputStream out = Channels.newOutputStream(ch);
            content.writeTo(out);
            out.flush();
        });
    }

    /**
     * Writes {@code target} all or nothing, through the temporary file's channel (for content that copies files
     * into it with {@code transferTo}).
     *
     * @param target the file to write
     * @param overwrite whether an existing file may be replaced
     * @param content what writes the bytes
     * @throws IOException as {@link #write(Path, boolean, Content)}
     */
    public static void writeChannel(Path target, boolean overwrite, ChannelContent content) throws IOException {
        writeFile(target, overwrite, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(ch);
            }
        });
    }

    /**
     * Writes {@code target} all or nothing, by path: {@code content} writes a temporary file beside the target
     * (such as an HDF5 writer that opens its file itself), which is then synced and renamed over the target.
     *
     * @param target the file to write
     * @param overwrite whether an existing file may be replaced
     * @param content what writes the temporary file
     * @throws IOException as {@link #write(Path, boolean, Content)}
     */
    public static void writeFile(Path target, boolean overwrite, FileContent content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (!overwrite && Files.exists(absolute)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and overwrite is false");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot save " + target + ": directory " + dir + " does not exist");
        }
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            content.writeTo(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (!overwrite && Files.exists(absolute)) {
                throw new FileAlreadyExistsException(target.toString(), null, "exists and overwrite is false");
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
