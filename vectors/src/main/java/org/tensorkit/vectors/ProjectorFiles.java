package org.tensorkit.vectors;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.AtomicFile;

/**
 * The TensorBoard Embedding Projector's pair of files (projector.tensorflow.org, "Load"): {@code vectors.tsv}, one
 * row of tab-separated values per line and no header, and {@code metadata.tsv}, one label per line, or, with several
 * columns, a header row of column names and then one tab-separated row per vector (the projector's own rule: a
 * single column has no header). Both files are written all or nothing.
 */
public final class ProjectorFiles {
    private ProjectorFiles() {
    }

    /**
     * Writes a table and one label per row.
     *
     * @param vectorsTsv the vectors file
     * @param metadataTsv the labels file
     * @param table a 2-D floating-point table
     * @param labels one label per row (no tabs or line breaks)
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the counts differ or a label holds a tab or a line break
     */
    public static void write(Path vectorsTsv, Path metadataTsv, Tensor table, List<String> labels) throws IOException {
        Objects.requireNonNull(labels, "labels");
        Map<String, List<String>> one = new LinkedHashMap<>();
        one.put("label", labels);
        write(vectorsTsv, metadataTsv, table, one);
    }

    /**
     * Writes a table and several metadata columns (a header row of their names, then one row per vector).
     *
     * @param vectorsTsv the vectors file
     * @param metadataTsv the metadata file
     * @param table a 2-D floating-point table
     * @param columns the columns by name, in order, each with one value per row
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if a column has another length than the table, there are no columns, or a
     *     value or name holds a tab or a line break
     */
    public static void write(Path vectorsTsv, Path metadataTsv, Tensor table, Map<String, List<String>> columns)
            throws IOException {
        Objects.requireNonNull(vectorsTsv, "vectorsTsv");
        Objects.requireNonNull(metadataTsv, "metadataTsv");
        Objects.requireNonNull(columns, "columns");
        INDArray a = Tables.floats(Objects.requireNonNull(table, "table"), "table");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("metadata needs at least one column");
        }
        List<String> names = new ArrayList<>(columns.keySet());
        List<List<String>> values = new ArrayList<>();
        for (String name : names) {
            List<String> column = Objects.requireNonNull(columns.get(name), "column " + name);
            if (column.size() != a.rows()) {
                throw new IllegalArgumentException("metadata column '" + name + "' has " + column.size()
                        + " values for " + a.rows() + " vectors");
            }
            if (names.size() > 1) {
                checkCell(name, "column name", -1);
            }
            for (int i = 0; i < column.size(); i++) {
                checkCell(Objects.requireNonNull(column.get(i), "column " + name + " row " + i), name, i);
            }
            values.add(column);
        }
        writeVectors(vectorsTsv, a);
        AtomicFile.write(metadataTsv, true, raw -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16);
            if (names.size() > 1) {
                out.write(String.join("\t", names));
                out.write('\n');
            }
            for (int i = 0; i < a.rows(); i++) {
                for (int c = 0; c < values.size(); c++) {
                    if (c > 0) {
                        out.write('\t');
                    }
                    out.write(values.get(c).get(i));
                }
                out.write('\n');
            }
            out.flush();
        });
    }

    /**
     * Writes only {@code vectors.tsv}.
     *
     * @param vectorsTsv the file
     * @param table a 2-D floating-point table
     * @throws IOException if writing fails
     */
    public static void writeVectors(Path vectorsTsv, Tensor table) throws IOException {
        writeVectors(Objects.requireNonNull(vectorsTsv, "vectorsTsv"),
                Tables.floats(Objects.requireNonNull(table, "table"), "table"));
    }

    private static void writeVectors(Path path, INDArray a) throws IOException {
        int dim = (int) a.size(1);
        AtomicFile.write(path, true, raw -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.US_ASCII), 1 << 16);
            float[] row = new float[dim];
            StringBuilder line = new StringBuilder();
            for (long i = 0; i < a.rows(); i++) {
                FloatBuffer values = Tables.rows(a, i, 1, dim);
                values.get(row);
                line.setLength(0);
                for (int k = 0; k < dim; k++) {
                    line.append(k == 0 ? "" : "\t").append(row[k]);
                }
                out.write(line.append('\n').toString());
            }
            out.flush();
        });
    }

    private static void checkCell(String value, String column, int row) {
        if (value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException((row < 0 ? "metadata column name '" + value + "'"
                    : "metadata column '" + column + "' row " + row + " ('" + value.replace("\t", "\\t")
                    .replace("\n", "\\n").replace("\r", "\\r") + "')") + " holds a tab or a line break, which a "
                    + "TSV cell cannot");
        }
    }
}
