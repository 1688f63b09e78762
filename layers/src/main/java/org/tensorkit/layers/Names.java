package org.tensorkit.layers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Keras's automatic names: one zero-based counter per base name ({@code flatten}, {@code flatten_1}, ...),
 * and a one-based counter for inputs ({@code input_1}, {@code input_2}, ...). The counters are global to the
 * JVM, as Keras's are to a session; {@link #reset()} is {@code keras.backend.clear_session()}.
 */
public final class Names {
    private static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();
    private static final AtomicInteger INPUTS = new AtomicInteger();
    private static final Pattern UPPER_RUN = Pattern.compile("(.)([A-Z][a-z0-9]+)");
    private static final Pattern LOWER_UPPER = Pattern.compile("([a-z])([A-Z])");

    private Names() {
    }

    /** The next unique name for {@code base}: {@code base}, then {@code base_1}, {@code base_2}, ... */
    public static String unique(String base) {
        int n = COUNTERS.computeIfAbsent(base, k -> new AtomicInteger()).getAndIncrement();
        return n == 0 ? base : base + "_" + n;
    }

    /** The next input name: {@code input_1}, {@code input_2}, ... */
    public static String uniqueInput() {
        return "input_" + INPUTS.incrementAndGet();
    }

    /** The default name of instances of {@code type}: the snake case of its simple name, made unique. */
    public static String uniqueFor(Class<?> type) {
        return unique(snakeCase(type.getSimpleName()));
    }

    /** Keras's snake case: {@code Conv2D} to {@code conv2d}, {@code InputLayer} to {@code input_layer}. */
    public static String snakeCase(String name) {
        String s = UPPER_RUN.matcher(name).replaceAll("$1_$2");
        s = LOWER_UPPER.matcher(s).replaceAll("$1_$2").toLowerCase(java.util.Locale.ROOT);
        return s.startsWith("_") ? "private" + s : s;
    }

    /** Forgets every counter, as {@code keras.backend.clear_session()} does. */
    public static void reset() {
        COUNTERS.clear();
        INPUTS.set(0);
    }
}
