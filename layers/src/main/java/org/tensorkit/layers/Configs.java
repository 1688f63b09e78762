package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Layer configs as data: immutable JSON-like values ({@link #immutable}), and a {@link Reader} that takes typed
 * settings out of a config with errors naming the class, the key, the value and what was expected. For layer
 * implementations, tensorkit's own and others: {@link org.tensorkit.layers.Layer#config()} and the
 * {@code fromConfig} factories are built on it.
 */
public final class Configs {
    private Configs() {
    }

    /** A deep, immutable copy of a JSON-like map, keeping its key order and its {@code null} values. */
    public static Map<String, Object> immutable(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, immutableValue(v)));
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object immutableValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return immutable((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(x -> copy.add(immutableValue(x)));
            return Collections.unmodifiableList(copy);
        }
        return v;
    }

    /** A shape as Keras writes it in configs: a list with {@code null} for unknown dimensions. */
    public static List<Object> shape(Shape shape) {
        List<Object> dims = new ArrayList<>(shape.rank());
        for (long d : shape.toArray()) {
            dims.add(d == Shape.UNKNOWN ? null : d);
        }
        return dims;
    }

    /** {@code {"class_name": className, "config": config}}: how Keras describes an initializer or regularizer. */
    public static Map<String, Object> object(String className, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", className);
        m.put("config", config);
        return m;
    }

    /** Reads the settings of one config; {@link #finish()} refuses keys nothing read. */
    public static final class Reader {
        private final String what;
        private final Map<String, Object> config;
        private final Set<String> read = new LinkedHashSet<>();

        /** A reader of {@code config}, whose messages name it {@code what} (a layer class, say). */
        public Reader(String what, Map<String, Object> config) {
            this.what = what;
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Whether {@code key} is present and not {@code null} (and marks it read). */
        public boolean has(String key) {
            read.add(key);
            return config.get(key) != null;
        }

        /** The value of {@code key} as it is, {@code null} if absent (and marks it read). */
        public Object raw(String key) {
            read.add(key);
            return config.get(key);
        }

        /** The string value of a required {@code key}. */
        public String string(String key) {
            Object v = required(key);
            if (!(v instanceof String s)) {
                throw bad(key, v, "a string");
            }
            return s;
        }

        /** The string value of {@code key}, or {@code fallback} when absent or null. */
        public String string(String key, String fallback) {
            return has(key) ? string(key) : fallback;
        }

        /** The boolean value of {@code key}, or {@code fallback} when absent or null. */
        public boolean bool(String key, boolean fallback) {
            if (!has(key)) {
                return fallback;
            }
            Object v = config.get(key);
            if (!(v instanceof Boolean b)) {
                throw bad(key, v, "true or false");
            }
            return b;
        }

        /** The numeric value of a required {@code key}. */
        public double number(String key) {
            Object v = required(key);
            if (!(v instanceof Number n)) {
                throw bad(key, v, "a number");
            }
            return n.doubleValue();
        }

        /** The numeric value of {@code key}, or {@code fallback} when absent or null. */
        public double number(String key, double fallback) {
            return has(key) ? number(key) : fallback;
        }

        /** The integer value of a required {@code key} (an integral float is accepted). */
        public long integer(String key) {
            Object v = required(key);
            return integerValue(key, v);
        }

        /** The integer value of {@code key}, or {@code null} when absent or null. */
        public Long optionalInteger(String key) {
            return has(key) ? integerValue(key, config.get(key)) : null;
        }

        /** The integer value of a required {@code key}, within int range. */
        public int intValue(String key) {
            long v = integer(key);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw bad(key, v, "an integer within int range");
            }
            return (int) v;
        }

        /** A list of integers, {@code null} elements read as {@code nullAs}; a single integer as a list of one. */
        public long[] integers(String key, long nullAs) {
            Object v = required(key);
            List<?> list = v instanceof List<?> l ? l : List.of(v);
            long[] out = new long[list.size()];
            for (int i = 0; i < out.length; i++) {
                Object x = list.get(i);
                out[i] = x == null ? nullAs : integerValue(key, x);
            }
            return out;
        }

        /**
         * The numbers of {@code key}: a list of numbers, or a single number as a list of one; null when absent or
         * null.
         */
        public double[] numbers(String key) {
            if (!has(key)) {
                return null;
            }
            Object v = config.get(key);
            List<?> list = v instanceof List<?> l ? l : List.of(v);
            double[] out = new double[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw bad(key, list.get(i), "a number or a flat list of numbers");
                }
                out[i] = n.doubleValue();
            }
            return out;
        }

        /**
         * A dtype: a numpy name ({@code "float32"}, Keras before 3.4) or a {@code DTypePolicy} object (Keras 3.4+,
         * {@code {"class_name": "DTypePolicy", "config": {"name": "float32"}, ...}}), whose mixed policies
         * ({@code "mixed_float16"}) tensorkit does not run.
         */
        public DType dtype(String key, DType fallback) {
            if (!has(key)) {
                return fallback;
            }
            Object v = config.get(key);
            String name;
            if (v instanceof Map<?, ?> policy) {
                Object inner = policy.get("config");
                Object policyName = inner instanceof Map<?, ?> c ? c.get("name") : null;
                if (!"DTypePolicy".equals(policy.get("class_name")) || !(policyName instanceof String n)) {
                    throw bad(key, v, "a dtype name or a DTypePolicy {\"class_name\": \"DTypePolicy\", "
                            + "\"config\": {\"name\": ...}}");
                }
                name = n;
            } else {
                name = string(key);
            }
            try {
                return DType.fromNumpyName(name);
            } catch (IllegalArgumentException e) {
                throw bad(key, name, "a dtype name such as \"float32\"");
            }
        }

        /** The object value of a required {@code key}. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> map(String key) {
            Object v = required(key);
            if (!(v instanceof Map<?, ?> m)) {
                throw bad(key, v, "an object");
            }
            return (Map<String, Object>) m;
        }

        /**
         * The class name of a serialized Keras object ({@code {"module", "class_name", "config",
         * "registered_name"}}, Keras 3; or {@code {"class_name", "config"}}, tf.keras 2): {@code module} and
         * {@code registered_name} only locate the class in Python, and are read here so that {@link #finish}
         * does not refuse them.
         */
        public String className() {
            raw("module");
            raw("registered_name");
            return string("class_name");
        }

        /**
         * Refuses each of {@code keys} that is set (not absent, not {@code null}): a setting of Keras's that
         * tensorkit's {@code layer} does not have, accepted only at its default.
         */
        public void requireUnset(String... keys) {
            for (String key : keys) {
                if (has(key)) {
                    throw bad(key, config.get(key), "null (tensorkit's " + what + " has no " + key + ")");
                }
            }
        }

        /** Refuses the keys that no reader method asked for: a setting tensorkit would otherwise ignore. */
        public void finish() {
            List<String> unknown = config.keySet().stream().filter(k -> !read.contains(k)).toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(what + " config has unsupported key(s) " + unknown
                        + "; tensorkit's " + what + " takes " + List.copyOf(read));
            }
        }

        /** The error for {@code key} holding {@code value} where {@code expected} was expected. */
        public IllegalArgumentException bad(String key, Object value, String expected) {
            String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
            return new IllegalArgumentException(what + " config: \"" + key + "\" is " + shown + "; expected "
                    + expected);
        }

        private Object required(String key) {
            read.add(key);
            if (!config.containsKey(key)) {
                throw new IllegalArgumentException(what + " config has no \"" + key + "\"");
            }
            Object v = config.get(key);
            if (v == null) {
                throw bad(key, null, "a value");
            }
            return v;
        }

        private long integerValue(String key, Object v) {
            if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                return ((Number) v).longValue();
            }
            if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    && Math.abs(n.doubleValue()) < 0x1p53) {
                return (long) n.doubleValue();
            }
            throw bad(key, v, "an integer");
        }
    }
}
