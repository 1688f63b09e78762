package org.tensorkit.models.saving;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip of a {@code .keras} file. Written as Keras writes it: {@code metadata.json}, {@code config.json},
 * {@code model.weights.h5}, every entry STORED (uncompressed). Read with the checks an untrusted archive needs:
 * entry names must stay inside the archive, declared sizes must stay under limits (and a compressed entry may
 * not expand more than {@link #MAX_RATIO} times: a zip bomb), and an entry may not hold more than it declares.
 */
final class Archive {
    static final String METADATA = "metadata.json";
    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.weights.h5";
    /** Largest JSON entry accepted. */
    static final long MAX_JSON_BYTES = 64L << 20;
    /** Largest weights entry accepted (a 2^34-byte table is 4 G floats). */
    static final long MAX_WEIGHTS_BYTES = 1L << 40;
    /** Largest expansion of a compressed entry (Keras writes none compressed). */
    static final long MAX_RATIO = 200;
    /** The directory of the layers' assets (a lookup's vocabulary.txt) in the archive. */
    static final String ASSETS = "assets/";
    /** The largest asset read (a vocabulary of tens of millions of keys). */
    static final long MAX_ASSET_BYTES = 1L << 30;

    private Archive() {
    }

    /**
     * Writes the three entries, STORED ({@link StoredZip}: the weights as {@code weights} lays them out, the tables
     * from their native buffers),
     * then {@code assets} (entry name to bytes, names under {@code assets/}).
     */
    static void write(WritableByteChannel target, StoredZip.Patch patch, byte[] metadata, byte[] config, WeightFile.Written weights,
                      Map<String, byte[]> assets) throws IOException {
        StoredZip zip = new StoredZip(target, patch, false);
        zip.add(METADATA, metadata);
        zip.add(CONFIG, config);
        zip.add(WEIGHTS, weights);
        for (Map.Entry<String, byte[]> asset : assets.entrySet()) {
            zip.add(asset.getKey(), asset.getValue());
        }
        zip.finish();
    }

    /** An opened archive: its entries checked, read on demand. */
    static final class Reader implements AutoCloseable {
        private final Path file;
        private final ZipFile zip;

        Reader(Path file) throws IOException {
            this.file = file;
            try {
                this.zip = new ZipFile(file.toFile());
            } catch (ZipException e) {
                throw new IOException(file + " is not a valid .keras archive (zip): " + e.getMessage(), e);
            }
            try {
                for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                    check(en.nextElement());
                }
            } catch (IOException | RuntimeException e) {
                zip.close();
                throw e;
            }
        }

        private void check(ZipEntry e) throws IOException {
            String name = e.getName();
            if (name.startsWith("/") || name.startsWith("\\") || name.contains("\\") || name.contains("\0")
                    || (name.length() > 1 && name.charAt(1) == ':')
                    || java.util.Arrays.asList(name.split("/")).contains("..")) {
                throw new IOException(file + ": archive entry \"" + name + "\" escapes the archive");
            }
            long size = e.getSize();
            long compressed = e.getCompressedSize();
            long limit = name.endsWith(".json") ? MAX_JSON_BYTES : name.startsWith(ASSETS) ? MAX_ASSET_BYTES
                    : MAX_WEIGHTS_BYTES;
            if (size > limit) {
                throw new IOException(file + ": archive entry \"" + name + "\" declares " + size
                        + " bytes, over the limit of " + limit);
            }
            if (e.getMethod() != ZipEntry.STORED && compressed > 0 && size > (1 << 20)
                    && size / compressed > MAX_RATIO) {
                throw new IOException(file + ": archive entry \"" + name + "\" expands " + compressed + " bytes to "
                        + size + " (more than " + MAX_RATIO + "x: a zip bomb)");
            }
        }

        boolean has(String name) {
            return zip.getEntry(name) != null;
        }

        /** A JSON entry's bytes. */
        byte[] bytes(String name) throws IOException {
            return bytes(name, MAX_JSON_BYTES);
        }

        /**
         * The files under {@code assets/<path>/} (not in subdirectories), by their names there; empty when there
         * are none.
         */
        Map<String, byte[]> assets(String path) throws IOException {
            String prefix = ASSETS + path + "/";
            Map<String, byte[]> files = new java.util.LinkedHashMap<>();
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                String rest = e.getName().startsWith(prefix) ? e.getName().substring(prefix.length()) : "";
                if (!e.isDirectory() && !rest.isEmpty() && !rest.contains("/")) {
                    files.put(rest, bytes(e.getName(), MAX_ASSET_BYTES));
                }
            }
            return files;
        }

        private byte[] bytes(String name, long max) throws IOException {
            ZipEntry e = require(name);
            try (InputStream in = zip.getInputStream(e)) {
                byte[] b = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
                if (b.length > max) {
                    throw new IOException(file + ": archive entry \"" + name + "\" holds more than " + max
                            + " bytes");
                }
                return b;
            } catch (ZipException ex) {
                throw new IOException(file + ": archive entry \"" + name + "\" is damaged: " + ex.getMessage(), ex);
            }
        }

        /** Copies an entry into {@code target}, refusing more bytes than it declares. */
        void extract(String name, Path target) throws IOException {
            ZipEntry e = require(name);
            long declared = e.getSize();
            long limit = declared >= 0 ? declared : MAX_WEIGHTS_BYTES;
            byte[] buf = new byte[1 << 16];
            long total = 0;
            try (InputStream in = zip.getInputStream(e); OutputStream out = Files.newOutputStream(target)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    if (total > limit) {
                        throw new IOException(file + ": archive entry \"" + name + "\" holds more than the "
                                + limit + " bytes it declares");
                    }
                    out.write(buf, 0, n);
                }
            } catch (ZipException ex) {
                throw new IOException(file + ": archive entry \"" + name + "\" is damaged: " + ex.getMessage(), ex);
            }
        }

        private ZipEntry require(String name) throws IOException {
            ZipEntry e = zip.getEntry(name);
            if (e == null) {
                throw new IOException(file + " has no " + name + " (not a Keras 3 .keras archive?)");
            }
            return e;
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }
}
