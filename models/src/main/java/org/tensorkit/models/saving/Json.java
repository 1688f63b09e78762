package org.tensorkit.models.saving;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Keras's JSON documents as plain maps, through Jackson, with bounded nesting and sizes. */
final class Json {
    /** Deepest nesting accepted: a Keras config nests about a dozen levels; a hostile one thousands. */
    static final int MAX_DEPTH = 200;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                .maxStringLength(64 << 20).maxNumberLength(1000).build());
    }

    private Json() {
    }

    /** The JSON object in {@code bytes}; {@code what} names it in the error. */
    static Map<String, Object> parse(byte[] bytes, String what) throws IOException {
        try {
            Object v = MAPPER.readValue(bytes, new TypeReference<Object>() { });
            if (!(v instanceof Map<?, ?>)) {
                throw new IOException(what + " is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            return m;
        } catch (JsonProcessingException e) {
            throw new IOException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code value} (maps, lists, strings, numbers, booleans, nulls) as compact JSON, as Python's json.dumps. */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as JSON", e);
        }
    }
}
