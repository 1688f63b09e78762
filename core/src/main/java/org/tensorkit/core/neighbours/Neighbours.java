package org.tensorkit.core.neighbours;

import java.nio.FloatBuffer;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.RowDots;

/**
 * Exact nearest rows of a {@code (rows, dim)} float32 table: the {@code k} rows closest to each of a batch of
 * queries (rows of the table, or vectors), by cosine similarity or dot product, highest first, ties by the smaller
 * row id.
 *
 * <pre>{@code
 * Neighbours items = Neighbours.of(itemTable, Metric.COSINE);
 * Nearest similar = items.nearestToRows(new int[] {7, 42}, 10, true);   // excluding rows 7 and 42 themselves
 * similar.ids(0);      // the 10 rows most like row 7
 * }</pre>
 *
 * <p>How: for up to four queries, one pass over the table per query, split over the cores; for more, one
 * matrix product per block of queries and block of rows (ND4J's BLAS {@code gemm} into a reused output); then a
 * partial selection per query (a bounded heap of {@code k}; a score enters only when it beats the
 * heap's least), never a sort of every row. Cosine scales each product by the row's inverse norm, computed once
 * when the value is made, so the table is not copied; a zero row scores 0 with every query; a NaN score ranks
 * below every number.
 *
 * <p>The value keeps the table it was made of (not a copy): build a new one after the table changes. Thread-safe:
 * each call has its own working arrays.
 */
public final class Neighbours {
    /** Up to this many queries, each is one pass over the table in Java split over the cores (RowDots). */
    private static final int FEW_QUERIES = 4;
    private static final int QUERY_BLOCK = 256;
    private static final int MIN_ROW_BLOCK = 8192;
    /** The product of one block, at most 4 Mi floats (16 MiB): a single query scores every row in one call. */
    private static final int PRODUCT_FLOATS = 1 << 22;
    /** Products up to 1 MiB are kept per thread, so that a serving loop's single queries allocate nothing native. */
    private static final int CACHED_FLOATS = 1 << 18;
    private static final ThreadLocal<INDArray> PRODUCT = new ThreadLocal<>();

    private final INDArray table;
    private final Metric metric;
    private final float[] inverseNorms;
    private final int rows;
    private final int dim;

    private Neighbours(INDArray table, Metric metric, float[] inverseNorms) {
        this.table = table;
        this.metric = metric;
        this.inverseNorms = inverseNorms;
        this.rows = (int) table.size(0);
        this.dim = (int) table.size(1);
    }

    /**
     * Nearest-row search over {@code table}.
     *
     * @param table a 2-D floating-point table (float32 is used as it is; another float type is copied as float32)
     * @param metric cosine or dot
     * @return the search
     * @throws IllegalArgumentException if the table is not 2-D floating point or has no rows
     */
    public static Neighbours of(Tensor table, Metric metric) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(metric, "metric");
        if (table.rank() != 2 || !table.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("a nearest-neighbour table must be 2-D floating point, got "
                    + table.dtype() + " " + table.shape());
        }
        if (table.shape().dim(0) == 0 || table.shape().dim(0) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a nearest-neighbour table needs 1 to " + (Integer.MAX_VALUE - 8)
                    + " rows, got " + table.shape().dim(0));
        }
        INDArray a = table.dtype() == DType.FLOAT32 ? table.unwrap() : table.unwrap().castTo(DataType.FLOAT);
        a = NdArrays.dense(a);
        float[] inverse = null;
        if (metric == Metric.COSINE) {
            float[] norms = a.norm2(1).data().asFloat();
            inverse = new float[norms.length];
            for (int i = 0; i < norms.length; i++) {
                inverse[i] = norms[i] > 0 ? 1f / norms[i] : 0f;
            }
        }
        return new Neighbours(a, metric, inverse);
    }

    /** The metric. */
    public Metric metric() {
        return metric;
    }

    /** The number of rows searched. */
    public int rows() {
        return rows;
    }

    /**
     * The {@code k} rows nearest to each query row.
     *
     * @param queryRows rows of the table
     * @param k how many neighbours per query
     * @param excludeQueries whether a query's own row is left out of its neighbours
     * @return ids and scores, one row per query
     * @throws IllegalArgumentException if {@code k} is not in {@code [1, rows]} ({@code rows - 1} when excluding),
     *     or a query row is outside the table (named with its position)
     */
    public Nearest nearestToRows(int[] queryRows, int k, boolean excludeQueries) {
        Objects.requireNonNull(queryRows, "queryRows");
        checkK(k, excludeQueries);
        for (int i = 0; i < queryRows.length; i++) {
            if (queryRows[i] < 0 || queryRows[i] >= rows) {
                throw new IllegalArgumentException("queryRows[" + i + "] = " + queryRows[i] + " is not a row of the "
                        + "table [0, " + rows + ")");
            }
        }
        INDArray q = Nd4j.createUninitialized(DataType.FLOAT, queryRows.length, dim);
        float[] row = new float[dim];
        for (int i = 0; i < queryRows.length; i++) {
            rowOf(table, queryRows[i], dim).get(row);
            rowOf(q, i, dim).put(row);
        }
        try {
            return search(q, k, excludeQueries ? queryRows : null);
        } finally {
            q.close();
        }
    }

    /**
     * The {@code k} rows nearest to each query vector.
     *
     * @param queries a {@code (q, dim)} floating-point tensor, or a 1-D vector of {@code dim} values for one query
     * @param k how many neighbours per query, in {@code [1, rows]}
     * @return ids and scores, one row per query
     * @throws IllegalArgumentException if {@code k} is out of range or the queries' dimension is not the table's
     */
    public Nearest nearestToVectors(Tensor queries, int k) {
        Objects.requireNonNull(queries, "queries");
        checkK(k, false);
        if (!queries.dtype().isFloatingPoint() || queries.rank() < 1 || queries.rank() > 2
                || queries.shape().dim(queries.rank() - 1) != dim) {
            throw new IllegalArgumentException("queries must be floating-point vectors of dimension " + dim
                    + " ((q, " + dim + ") or (" + dim + ",)), got " + queries.dtype() + " " + queries.shape());
        }
        INDArray q = queries.unwrap().castTo(DataType.FLOAT).reshape('c', queries.rank() == 1 ? 1
                : queries.shape().dim(0), dim).dup('c');
        try {
            return search(q, k, null);
        } finally {
            q.close();
        }
    }

    private void checkK(int k, boolean excluding) {
        int most = excluding ? rows - 1 : rows;
        if (k < 1 || k > most) {
            throw new IllegalArgumentException("k = " + k + " must be in [1, " + most + "]: the table has " + rows
                    + " rows" + (excluding ? ", less each query's own" : ""));
        }
    }

    /**
     * Each query's scores into its bounded heap: a few queries by {@link RowDots} (one pass over the table per
     * query, split over the cores), more by blocks of queries times blocks of rows through gemm.
     */
    private Nearest search(INDArray q, int k, int[] exclude) {
        int n = (int) q.size(0);
        if (n <= FEW_QUERIES && RowDots.AVAILABLE) {
            return fewQueries(q, k, exclude);
        }
        int[][] ids = new int[n][];
        float[][] scores = new float[n][];
        int qBlock = Math.min(QUERY_BLOCK, Math.max(1, n));
        int rBlock = Math.min(rows, Math.max(MIN_ROW_BLOCK, PRODUCT_FLOATS / qBlock));
        INDArray product = product(qBlock * rBlock);
        float[] block = new float[qBlock * rBlock];
        float[] queryScale = new float[qBlock];
        float[] queryRow = new float[dim];
        try {
            for (int q0 = 0; q0 < n; q0 += qBlock) {
                int qn = Math.min(qBlock, n - q0);
                INDArray queries = q.get(NDArrayIndex.interval(q0, q0 + qn), NDArrayIndex.all());
                TopK[] heaps = new TopK[qn];
                for (int i = 0; i < qn; i++) {
                    heaps[i] = new TopK(k);
                }
                for (int i = 0; i < qn; i++) {
                    rowOf(q, q0 + i, dim).get(queryRow);
                    queryScale[i] = scale(queryRow);
                }
                for (int r0 = 0; r0 < rows; r0 += rBlock) {
                    int rn = Math.min(rBlock, rows - r0);
                    INDArray rowsBlock = table.get(NDArrayIndex.interval(r0, r0 + rn), NDArrayIndex.all());
                    INDArray out = NdArrays.over(product.data(), DataType.FLOAT, new long[] {qn, rn});
                    Nd4j.gemm(queries, rowsBlock, out, false, true, 1.0, 0.0);
                    NdArrays.bytes(product, 0, qn * rn * 4).asFloatBuffer().get(block, 0, qn * rn);
                    for (int i = 0; i < qn; i++) {
                        int skip = exclude == null ? -1 : exclude[q0 + i];
                        select(block, i * rn, rn, r0, heaps[i], skip, queryScale[i]);
                    }
                }
                for (int i = 0; i < qn; i++) {
                    ids[q0 + i] = heaps[i].sortedIds();
                    scores[q0 + i] = heaps[i].sortedScores();
                }
            }
        } finally {
            if (product != PRODUCT.get()) {
                product.close();
            }
        }
        return new Nearest(ids, scores, metric);
    }

    private Nearest fewQueries(INDArray q, int k, int[] exclude) {
        int n = (int) q.size(0);
        int[][] ids = new int[n][];
        float[][] scores = new float[n][];
        float[] query = new float[dim];
        float[] all = new float[rows];
        for (int i = 0; i < n; i++) {
            rowOf(q, i, dim).get(query);
            RowDots.dots(table, query, all);
            TopK heap = new TopK(k);
            select(all, 0, rows, 0, heap, exclude == null ? -1 : exclude[i], scale(query));
            ids[i] = heap.sortedIds();
            scores[i] = heap.sortedScores();
        }
        return new Nearest(ids, scores, metric);
    }

    /** A float buffer of at least {@code floats}: this thread's cached one when small enough. */
    private static INDArray product(int floats) {
        if (floats > CACHED_FLOATS) {
            return Nd4j.createUninitialized(DataType.FLOAT, floats);
        }
        INDArray cached = PRODUCT.get();
        if (cached == null || cached.length() < floats) {
            cached = Nd4j.createUninitialized(DataType.FLOAT, CACHED_FLOATS);
            PRODUCT.set(cached);
        }
        return cached;
    }

    /** What a query's scores are multiplied by: 1 for dot, its inverse norm for cosine (0 for a zero query). */
    private float scale(float[] query) {
        if (metric != Metric.COSINE) {
            return 1f;
        }
        double sum = 0;
        for (float v : query) {
            sum += (double) v * v;
        }
        return sum > 0 ? (float) (1 / Math.sqrt(sum)) : 0f;
    }

    private void select(float[] block, int from, int count, int firstRow, TopK heap, int skip, float scale) {
        float[] inverse = inverseNorms;
        for (int j = 0; j < count; j++) {
            float s = block[from + j];
            int row = firstRow + j;
            if (inverse != null) {
                s = s * inverse[row] * scale;
            }
            if ((!heap.full() || heap.beats(s)) && row != skip) {
                heap.offer(s, row);
            }
        }
    }

    private static FloatBuffer rowOf(INDArray a, long row, int dim) {
        return NdArrays.bytes(a, row * dim * 4L, dim * 4).asFloatBuffer();
    }
}
