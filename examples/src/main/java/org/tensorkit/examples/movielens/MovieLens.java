package org.tensorkit.examples.movielens;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * MovieLens 100k as the course lab prepares it: {@code u.data} (user, item, rating, timestamp; tab separated)
 * joined with {@code u.item} (id|title|release date|...; Latin-1), ordered by item id as pandas' merge of items
 * with ratings orders it, then split into train and test rows with a seed.
 */
public final class MovieLens {
    private final Ratings all;
    private final Map<Integer, String> titles;
    private final int maxUserId;
    private final int maxItemId;

    private MovieLens(Ratings all, Map<Integer, String> titles) {
        this.all = all;
        this.titles = Collections.unmodifiableMap(titles);
        this.maxUserId = java.util.Arrays.stream(all.userIds()).max().orElse(0);
        this.maxItemId = java.util.Arrays.stream(all.itemIds()).max().orElse(0);
    }

    /** Reads {@code u.data} and {@code u.item} from {@code directory}. */
    public static MovieLens load(Path directory) throws IOException {
        Path data = directory.resolve("u.data");
        Path items = directory.resolve("u.item");
        for (Path p : List.of(data, items)) {
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString(), null, "MovieLens 100k needs u.data and u.item in "
                        + directory.toAbsolutePath());
            }
        }
        Map<Integer, String> titles = new TreeMap<>();
        for (String line : Files.readAllLines(items, StandardCharsets.ISO_8859_1)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            if (f.length < 2) {
                throw new IOException("u.item: expected 'id|title|...', got: " + line);
            }
            titles.put(Integer.parseInt(f[0].trim()), f[1]);
        }
        // Ratings grouped by item in id order (stable within an item): pandas' merge(items, ratings).
        Map<Integer, List<int[]>> byItem = new TreeMap<>();
        List<String> lines = Files.readAllLines(data, StandardCharsets.ISO_8859_1);
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 3) {
                throw new IOException("u.data: expected 'user item rating timestamp', got: " + line);
            }
            int item = Integer.parseInt(f[1]);
            if (titles.containsKey(item)) {
                byItem.computeIfAbsent(item, k -> new ArrayList<>())
                        .add(new int[] {Integer.parseInt(f[0]), item, Integer.parseInt(f[2])});
            }
        }
        int n = byItem.values().stream().mapToInt(List::size).sum();
        int[] users = new int[n];
        int[] itemIds = new int[n];
        float[] ratings = new float[n];
        int k = 0;
        for (List<int[]> rows : byItem.values()) {
            for (int[] r : rows) {
                users[k] = r[0];
                itemIds[k] = r[1];
                ratings[k] = r[2];
                k++;
            }
        }
        return new MovieLens(new Ratings(users, itemIds, ratings), titles);
    }

    /** Every rating, joined and ordered. */
    public Ratings all() {
        return all;
    }

    /** Movie titles by item id. */
    public Map<Integer, String> titles() {
        return titles;
    }

    /** The largest user id: an embedding over users needs {@code maxUserId() + 1} rows. */
    public int maxUserId() {
        return maxUserId;
    }

    public int maxItemId() {
        return maxItemId;
    }

    /** A random split: {@code testFraction} of the rows to test, the rest to train, both in shuffled order. */
    public Split split(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
        }
        List<Integer> order = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int testSize = (int) Math.ceil(all.size() * testFraction); // sklearn rounds the test share up
        int[] test = order.subList(0, testSize).stream().mapToInt(Integer::intValue).toArray();
        int[] train = order.subList(testSize, order.size()).stream().mapToInt(Integer::intValue).toArray();
        return new Split(all.select(train), all.select(test));
    }

    /** Train and test rows. */
    public record Split(Ratings train, Ratings test) {
    }
}
