package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Names;
import org.tensorkit.models.Model;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.Verbosity;

/**
 * Valid files, mutated (bytes flipped, entries truncated or dropped, JSON values swapped for other types, numbers
 * and lists changed): {@code load} either returns a model that predicts, or throws {@link IOException} or
 * {@link IllegalArgumentException}; never another exception, an error ({@code OutOfMemoryError},
 * {@code StackOverflowError}) or a hang (each case has a generous timeout). Fixed seeds: the same cases on every
 * run.
 */
class MutatedFilesPropertyTest {
    private static Map<String, byte[]> good;
    private static Map<String, byte[]> lookups;

    @BeforeContainer
    static void saveAGoodFile() throws IOException {
        Names.reset();
        Model model = KerasFilesTest.dotModel();
        model.compile(Adam.create(), Losses.mse());
        model.fit(KerasFilesTest.ids(32, 1), KerasFilesTest.ratings(32, 2),
                FitOptions.builder().batchSize(16).epochs(1).verbose(Verbosity.SILENT).build());
        Path dir = Files.createTempDirectory("tensorkit-mutations");
        Path file = dir.resolve("good.keras");
        model.save(file);
        good = Zips.entries(file);
        Files.delete(file);
        Path fixture = dir.resolve("lookups.keras");
        try (java.io.InputStream in = MutatedFilesPropertyTest.class.getResourceAsStream("/keras/lookups_keras36.keras")) {
            Files.copy(in, fixture);
        }
        lookups = Zips.entries(fixture); // raw keys through lookups, a learnt vocabulary among the assets
        Files.delete(fixture);
        Files.delete(dir);
    }

    @Property(tries = 250, seed = "20261201")
    void aMutatedFileLoadsIntoAWorkingModelOrIsRefused(@ForAll long seed) throws IOException {
        loadsOrIsRefused(good, seed);
    }

    @Property(tries = 120, seed = "20261203")
    void aMutatedModelWithLookupsLoadsIntoAWorkingModelOrIsRefused(@ForAll long seed) throws IOException {
        loadsOrIsRefused(lookups, seed);
    }

    private static void loadsOrIsRefused(Map<String, byte[]> entries, long seed) throws IOException {
        Random rng = new Random(seed);
        Path dir = Files.createTempDirectory("tensorkit-mutation");
        Path file = dir.resolve("mutated.keras");
        try {
            Files.write(file, mutate(entries, rng));
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> loadOrRefuse(file));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Property(tries = 150, seed = "20261202")
    void aMutatedLegacyH5LoadsIntoAWorkingModelOrIsRefused(@ForAll long seed) throws IOException {
        byte[] h5;
        try (java.io.InputStream in = MutatedFilesPropertyTest.class.getResourceAsStream("/keras/dot_tfkeras213.h5")) {
            h5 = in.readAllBytes();
        }
        Random rng = new Random(seed);
        if (rng.nextBoolean()) {
            for (int k = 1 + rng.nextInt(8); k > 0; k--) {
                h5[rng.nextInt(h5.length)] ^= (byte) (1 + rng.nextInt(255));
            }
        } else {
            h5 = java.util.Arrays.copyOf(h5, rng.nextInt(h5.length));
        }
        Path dir = Files.createTempDirectory("tensorkit-mutation");
        Path file = dir.resolve("mutated.h5");
        try {
            Files.write(file, h5);
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> loadOrRefuse(file));
        } finally {
            Files.delete(file);
            Files.delete(dir);
        }
    }

    private static void loadOrRefuse(Path file) {
        Network model;
        try {
            model = Models.load(file);
        } catch (IOException | IllegalArgumentException refused) {
            return; // documented refusals
        }
        // a model came back: it must work
        List<Tensor> inputs = new ArrayList<>();
        for (int k = 0; k < model.inputs().size(); k++) {
            long[] shape = model.inputShapes().get(k).toArray();
            shape[0] = 2;
            for (int d = 1; d < shape.length; d++) {
                shape[d] = Math.max(1, shape[d]);
            }
            inputs.add(Tensor.zeros(model.inputs().get(k).dtype(), shape));
        }
        List<Tensor> out = model.predict(inputs);
        assertEquals(model.outputs().size(), out.size());
    }

    private static byte[] mutate(Map<String, byte[]> valid, Random rng) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>(valid);
        int kind = rng.nextInt(6);
        List<String> names = new ArrayList<>(entries.keySet());
        String target = names.get(rng.nextInt(names.size()));
        switch (kind) {
            case 0 -> { // flip bytes of an entry
                byte[] b = entries.get(target).clone();
                for (int k = 1 + rng.nextInt(8); k > 0; k--) {
                    b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
                }
                entries.put(target, b);
            }
            case 1 -> entries.put(target, java.util.Arrays.copyOf(entries.get(target),
                    rng.nextInt(entries.get(target).length))); // truncate an entry
            case 2 -> entries.remove(target); // drop an entry
            case 3, 4 -> entries.put("config.json", mutateJson(entries.get("config.json"), rng));
            default -> { // flip bytes of the whole archive
                byte[] zip = zip(entries);
                for (int k = 1 + rng.nextInt(4); k > 0; k--) {
                    zip[rng.nextInt(zip.length)] ^= (byte) (1 + rng.nextInt(255));
                }
                return zip;
            }
        }
        return zip(entries);
    }

    /** One value somewhere in the config replaced: by another type, another number, a shorter or longer list. */
    private static byte[] mutateJson(byte[] json, Random rng) throws IOException {
        Map<String, Object> config = Json.parse(json, "config");
        List<Object[]> slots = new ArrayList<>(); // {container, key or index}
        collect(config, slots);
        Object[] slot = slots.get(rng.nextInt(slots.size()));
        Object old = get(slot);
        Object replacement = switch (rng.nextInt(8)) {
            case 0 -> null;
            case 1 -> "x";
            case 2 -> rng.nextInt(5) - 1;
            case 3 -> old instanceof Number n ? (Object) (n.longValue() * 1000003L + 7) : List.of();
            case 4 -> Map.of();
            case 5 -> old instanceof List<?> l && !l.isEmpty() ? new ArrayList<>(l.subList(0, l.size() - 1)) : true;
            case 6 -> old instanceof List<?> l ? appended(l) : 1.5;
            default -> old instanceof Number n ? (Object) (-n.longValue()) : List.of(List.of());
        };
        set(slot, replacement);
        return Json.write(config);
    }

    private static List<Object> appended(List<?> l) {
        List<Object> out = new ArrayList<>(l);
        out.add(l.isEmpty() ? 0 : l.get(l.size() - 1));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object node, List<Object[]> slots) {
        if (node instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                slots.add(new Object[] {m, k});
                collect(m.get(k), slots);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                slots.add(new Object[] {l, i});
                collect(l.get(i), slots);
            }
        }
    }

    private static Object get(Object[] slot) {
        return slot[0] instanceof Map<?, ?> m ? m.get(slot[1]) : ((List<?>) slot[0]).get((Integer) slot[1]);
    }

    @SuppressWarnings("unchecked")
    private static void set(Object[] slot, Object value) {
        if (slot[0] instanceof Map<?, ?> m) {
            ((Map<Object, Object>) m).put(slot[1], value);
        } else {
            ((List<Object>) slot[0]).set((Integer) slot[1], value);
        }
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        return Zips.zip(entries, ZipEntry.STORED);
    }

}
