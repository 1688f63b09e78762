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
 * settings out of a config with errors naming the class, the key, the value and what was expected. Internal to
 * this package.
 */
final class Configs {
    private Configs() {
    }

    /** A deep, immutable copy of a JSON-like map, keeping its key order and its {@code null} values. */
    static Map<String, Object> immutable(Map<String, Object> map) {
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
    static List<Object> shape(Shape shape) {
        List<Object> dims = new ArrayList<>(shape.rank());
        for (long d : shape.toArray()) {
            dims.add(d == Shape.UNKNOWN ? null : d);
        }
        return dims;
    }

    /** {@code {"class_name": className, "config": config}}: how Keras describes an initializer or regularizer. */
    static Map<String, Object> object(String className, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", className);
        m.put("config", config);
        return m;
    }

    /** Reads the settings of one config; {@link #finish()} refuses keys nothing read. */
    static final class Reader {
        private final String what;
        private final Map<String, Object> config;
        private final Set<String> read = new LinkedHashSet<>();

        Reader(String what, Map<String, Object> config) {
            this.what = what;
            this.config = Objects.requireNonNull(config, "config");
        }

        boolean has(String key) {
            read.add(key);
            return config.get(key) != null;
        }

        Object raw(String key) {
            read.add(key);
            return config.get(key);
        }

        String string(String key) {
            Object v = required(key);
            if (!(v instanceof String s)) {
                throw bad(key, v, "a string");
            }
            return s;
        }

        String string(String key, String fallback) {
            return has(key) ? string(key) : fallback;
        }

        boolean bool(String key, boolean fallback) {
            if (!has(key)) {
                return fallback;
            }
            Object v = config.get(key);
            if (!(v instanceof Boolean b)) {
                throw bad(key, v, "true or false");
            }
            return b;
        }

        double number(String key) {
            Object v = required(key);
            if (!(v instanceof Number n)) {
                throw bad(key, v, "a number");
            }
            return n.doubleValue();
        }

        double number(String key, double fallback) {
            return has(key) ? number(key) : fallback;
        }

        long integer(String key) {
            Object v = required(key);
            return integerValue(key, v);
        }

        Long optionalInteger(String key) {
            return has(key) ? integerValue(key, config.get(key)) : null;
        }

        int intValue(String key) {
            long v = integer(key);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw bad(key, v, "an integer within int range");
            }
            return (int) v;
        }

        /** A list of integers, {@code null} elements read as {@code nullAs}; a single integer as a list of one. */
        long[] integers(String key, long nullAs) {
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
         * A dtype: a numpy name ({@code "float32"}, Keras before 3.4) or a {@code DTypePolicy} object (Keras 3.4+,
         * {@code {"class_name": "DTypePolicy", "config": {"name": "float32"}, ...}}), whose mixed policies
         * ({@code "mixed_float16"}) tensorkit does not run.
         */
        DType dtype(String key, DType fallback) {
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

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String key) {
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
        String className() {
            raw("module");
            raw("registered_name");
            return string("class_name");
        }

        /**
         * Refuses each of {@code keys} that is set (not absent, not {@code null}): a setting of Keras's that
         * tensorkit's {@code layer} does not have, accepted only at its default.
         */
        void requireUnset(String... keys) {
            for (String key : keys) {
                if (has(key)) {
                    throw bad(key, config.get(key), "null (tensorkit's " + what + " has no " + key + ")");
                }
            }
        }

        /** Refuses the keys that no reader method asked for: a setting tensorkit would otherwise ignore. */
        void finish() {
            List<String> unknown = config.keySet().stream().filter(k -> !read.contains(k)).toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(what + " config has unsupported key(s) " + unknown
                        + "; tensorkit's " + what + " takes " + List.copyOf(read));
            }
        }

        IllegalArgumentException bad(String key, Object value, String expected) {
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
