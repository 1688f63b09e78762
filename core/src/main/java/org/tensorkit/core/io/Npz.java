package org.tensorkit.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.AtomicFile;

/**
 * numpy's {@code .npz} archives: a zip of {@code .npy} files, one per array, as {@code np.savez} (entries stored)
 * and {@code np.savez_compressed} (entries deflated) write them. An array's name is its entry's name without
 * {@code .npy} ({@code arr_0}, {@code arr_1}, ... for arrays numpy saved by position).
 *
 * <p>Reading all arrays is all or nothing: a bad entry closes the arrays read before it and throws an
 * {@link IOException} naming the archive and the entry. Writing is atomic.
 */
public final class Npz {
    private Npz() {
    }

    /**
     * Reads every array of an archive, in the archive's order.
     *
     * @param path the {@code .npz} file
     * @return the arrays by name (an insertion-ordered map); each tensor owns its memory
     * @throws IOException if the file is not a zip archive or an entry is not a {@code .npy} array tensorkit reads
     */
    public static Map<String, Tensor> read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Map<String, Tensor> out = new LinkedHashMap<>();
        boolean done = false;
        try (ZipFile zip = open(path)) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                out.put(name(entry), readEntry(zip, entry, path));
            }
            done = true;
        } finally {
            if (!done) {
                out.values().forEach(Tensor::close);
            }
        }
        return out;
    }

    /**
     * Reads one array of an archive, leaving the others unread.
     *
     * @param path the {@code .npz} file
     * @param name the array's name ({@code "embeddings"}, or {@code "arr_0"})
     * @return the array
     * @throws IOException if the archive has no such array (the message lists those it has) or it cannot be read
     */
    public static Tensor read(Path path, String name) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        try (ZipFile zip = open(path)) {
            ZipEntry entry = zip.getEntry(name + ".npy");
            if (entry == null) {
                entry = zip.getEntry(name);
            }
            if (entry == null) {
                List<String> names = new ArrayList<>();
                zip.stream().filter(z -> !z.isDirectory()).forEach(z -> names.add(name(z)));
                throw new IOException(path + " has no array '" + name + "'; it has " + names);
            }
            return readEntry(zip, entry, path);
        }
    }

    /**
     * Writes {@code arrays} as {@code np.savez} does (entries stored, uncompressed), replacing an existing file.
     *
     * @param path the file
     * @param arrays the arrays by name, written in the map's order
     * @throws IOException if writing fails (the target is then as it was)
     */
    public static void write(Path path, Map<String, Tensor> arrays) throws IOException {
        write(path, arrays, false);
    }

    /**
     * Writes {@code arrays} as {@code np.savez_compressed} does (entries deflated).
     *
     * @param path the file
     * @param arrays the arrays by name, written in the map's order
     * @throws IOException if writing fails (the target is then as it was)
     */
    public static void writeCompressed(Path path, Map<String, Tensor> arrays) throws IOException {
        write(path, arrays, true);
    }

    private static void write(Path path, Map<String, Tensor> arrays, boolean compressed) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(arrays, "arrays");
        List<String> names = new ArrayList<>();
        List<Npy.Encoded> encoded = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "array name");
            if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
                throw new IllegalArgumentException("array name '" + name + "' cannot name an .npz entry: expected a "
                        + "non-empty name without '/' or '\\'");
            }
            names.add(name);
            encoded.add(Npy.encode(Objects.requireNonNull(e.getValue(), "array '" + name + "'")));
        }
        AtomicFile.write(path, true, out -> {
            ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, 1 << 16));
            for (int i = 0; i < names.size(); i++) {
                ZipEntry entry = new ZipEntry(names.get(i) + ".npy");
                Npy.Encoded array = encoded.get(i);
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(array.size());
                    entry.setCompressedSize(array.size());
                    entry.setCrc(array.crc());
                }
                zip.putNextEntry(entry);
                array.writeTo(zip);
                zip.closeEntry();
            }
            zip.finish();
            zip.flush();
        });
    }

    private static ZipFile open(Path path) throws IOException {
        try {
            return new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new IOException(path + " is not a .npz file (not a zip archive: " + e.getMessage() + ")", e);
        }
    }

    private static String name(ZipEntry entry) {
        String n = entry.getName();
        return n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n;
    }

    private static Tensor readEntry(ZipFile zip, ZipEntry entry, Path path) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return Npy.read(Channels.newChannel(in), path + " entry '" + entry.getName() + "'");
        } catch (ZipException e) {
            throw new IOException(path + " entry '" + entry.getName() + "' is corrupt: " + e.getMessage(), e);
        }
    }
}
