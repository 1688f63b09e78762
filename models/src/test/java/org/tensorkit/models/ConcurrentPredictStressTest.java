package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.testing.HookLayer;

/**
 * The thread-safety guarantee of README "Errors and thread safety": any number of threads may {@code predict} on
 * one model while another thread calls {@code setWeights}; every returned row is entirely the old or entirely the
 * new table's row for the requested id, never a mix.
 *
 * <p>The overlap is arranged, not hoped for: each reader's first predict (two batches of 32) stops at a hook
 * layer after its first batch has read the table, and the writer swaps the table then, lets that reader go on and
 * waits for its predict to end before it swaps again. So every reader has one predict that overlapped a swap,
 * with its first batch from the table before and its second from the table after (both tables are read,
 * whatever the scheduling). After that the writer swaps freely while the readers run their random predicts.
 *
 * <p>Bounded in time by a generous hang guard (the futures' timeouts), not by any assertion about speed.
 */
class ConcurrentPredictStressTest {
    private static final int IDS = 100;
    /** Wide rows (1 KiB): a writer that overwrote the table in place would be caught mid-row. */
    private static final int DIM = 256;
    private static final int READERS = 8;
    private static final int PREDICTS_PER_READER = 2_000;
    private static final long HANG_GUARD_SECONDS = 180;

    /** Table A: row r is all r. */
    private static final Tensor A = table(false);
    /** Table B: row r is all -(r + 1), so every row says which table and which id it came from. */
    private static final Tensor B = table(true);

    private Embedding embedding;
    private Model model;
    private Sequential sequential;
    /** Set by a reader for its next forward pass: stop at the gate (after that batch's table read). */
    private final ThreadLocal<Boolean> stopAtGate = ThreadLocal.withInitial(() -> false);
    /** A permit per reader stopped at the gate. */
    private final Semaphore arrivals = new Semaphore(0);
    /** A permit lets one stopped reader go on, after the writer's swap. */
    private final Semaphore swapped = new Semaphore(0);
    /** A permit per gated predict that ended. */
    private final Semaphore gatedDone = new Semaphore(0);
    private final AtomicInteger gatedOverlaps = new AtomicInteger();

    private static Tensor table(boolean negative) {
        float[][] rows = new float[IDS][DIM];
        for (int r = 0; r < IDS; r++) {
            java.util.Arrays.fill(rows[r], negative ? -(r + 1) : r);
        }
        return Tensor.of(rows);
    }

    @BeforeEach
    void build() {
        Names.reset();
        embedding = Embedding.builder().inputDim(IDS).outputDim(DIM).inputLength(1).weights(A).name("ids").build();
        SymbolicTensor x = Input.shape(1);
        model = Model.of(x, Flatten.create().call(gate("gate").call(embedding.call(x))));   // (n, DIM)
        sequential = Sequential.of(embedding, gate("gate_s"), Flatten.create());             // the same table
    }

    /** Identity after the Embedding: a reader that asked for it stops here until the writer has swapped. */
    private HookLayer gate(String name) {
        return HookLayer.of(name, () -> {
            if (stopAtGate.get()) {
                stopAtGate.set(false); // only this batch: the predict's next batch reads the table after the swap
                arrivals.release();
                swapped.acquireUninterruptibly();
                gatedOverlaps.incrementAndGet();
            }
        });
    }

    @Test
    void eightReadersAgainstAWriterSwappingTables() throws Exception {
        AtomicLong swaps = new AtomicLong();
        AtomicLong overlapping = new AtomicLong(); // predicts during which at least one swap happened
        AtomicLong rowsA = new AtomicLong();
        AtomicLong rowsB = new AtomicLong();
        AtomicLong predicts = new AtomicLong();
        AtomicBoolean readersDone = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
        try {
            Future<?> writer = pool.submit(() -> {
                start.await();
                boolean toB = true;
                int serviced = 0;
                while (!readersDone.get()) {
                    boolean gating = serviced < READERS;
                    if (gating && !arrivals.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        continue; // while readers' gated predicts are due, swap only when one waits at the gate
                    }
                    // through the model, the Sequential or the layer: one table behind all three
                    Network via = swaps.get() % 3 == 0 ? model : sequential;
                    if (swaps.get() % 3 == 2) {
                        embedding.setWeights(List.of(toB ? B : A));
                    } else {
                        via.setWeights(List.of(toB ? B : A));
                    }
                    swaps.incrementAndGet();
                    toB = !toB;
                    if (gating) {
                        serviced++;
                        swapped.release(); // one stopped reader goes on: its next batch reads the new table
                        if (!gatedDone.tryAcquire(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                            throw new AssertionError("a gated predict did not end (hang guard)");
                        }
                    }
                    Thread.yield();
                }
                return null;
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                long seed = 1000 + t;
                Network target = t % 2 == 0 ? model : sequential;
                readers.add(pool.submit(() -> {
                    start.await();
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < PREDICTS_PER_READER; i++) {
                        boolean gated = i == 0;
                        int n = gated ? 64 : random.nextInt(1, 65);
                        int[] ids = random.ints(n, 0, IDS).toArray();
                        long before = swaps.get();
                        stopAtGate.set(gated);
                        Tensor out = target.predict(Tensor.of(ids)); // batches of 32: up to two reads of the table
                        if (swaps.get() != before) {
                            overlapping.incrementAndGet();
                        }
                        checkRows(ids, out, rowsA, rowsB);
                        predicts.incrementAndGet();
                        if (gated) {
                            gatedDone.release();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> reader : readers) {
                get(reader);
            }
            readersDone.set(true);
            get(writer);
        } finally {
            readersDone.set(true);
            pool.shutdownNow();
        }

        assertEquals((long) READERS * PREDICTS_PER_READER, predicts.get());
        assertEquals(READERS, gatedOverlaps.get(), "every reader's first predict overlapped a swap");
        assertTrue(swaps.get() >= READERS, "the writer swapped for every gated predict");
        assertTrue(overlapping.get() >= READERS, "the gated predicts saw the swap counter move");
        System.out.printf("stress: %d predicts, %d swaps, %d predicts overlapped a swap (%d of them arranged), "
                + "rows A %d / B %d%n", predicts.get(), swaps.get(), overlapping.get(), gatedOverlaps.get(),
                rowsA.get(), rowsB.get());
        assertTrue(rowsA.get() > 0 && rowsB.get() > 0, "rows of both tables should have been read: A "
                + rowsA.get() + ", B " + rowsB.get());
    }

    /** Every row must be entirely A's or entirely B's row for the requested id. */
    private static void checkRows(int[] ids, Tensor out, AtomicLong rowsA, AtomicLong rowsB) {
        assertEquals(Shape.of(ids.length, DIM), out.shape());
        float[] values = out.toFloatArray();
        for (int row = 0; row < ids.length; row++) {
            float first = values[row * DIM];
            for (int k = 1; k < DIM; k++) {
                if (values[row * DIM + k] != first) {
                    fail("torn row " + row + " for id " + ids[row] + ": element 0 is " + first + ", element " + k
                            + " is " + values[row * DIM + k]);
                }
            }
            if (first == ids[row]) {
                rowsA.incrementAndGet();
            } else if (first == -(ids[row] + 1)) {
                rowsB.incrementAndGet();
            } else {
                fail("row " + row + " for id " + ids[row] + " is " + first + ", neither A's " + ids[row] + " nor B's "
                        + -(ids[row] + 1));
            }
        }
    }

    /**
     * A deferred Sequential builds at its first predict: many threads predicting first at once build it once, and
     * all get the right answer.
     */
    @Test
    void deferredSequentialBuildsOnceUnderConcurrentFirstPredicts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            for (int round = 0; round < 20; round++) {
                Flatten flatten = Flatten.create();
                Sequential deferred = Sequential.of(flatten);
                Tensor data = Tensor.arange(24, org.tensorkit.core.DType.FLOAT32).reshape(2, 3, 4);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Tensor>> results = new ArrayList<>();
                for (int t = 0; t < READERS; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return deferred.predict(data);
                    }));
                }
                start.countDown();
                for (Future<Tensor> result : results) {
                    assertEquals(data.reshape(2, 12), get(result));
                }
                assertEquals(1, flatten.inboundNodes().size(), "built more than once");
                assertEquals(Shape.batchOf(3, 4), deferred.inputShape());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T get(Future<T> future) throws Exception {
        try {
            return future.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
