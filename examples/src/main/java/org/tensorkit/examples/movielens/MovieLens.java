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
 * MovieLens 100k as the course lab prepares it: {@code u.data} (user, item, rating, timestamp; tab separated; a
 * rating may be a half star, as later MovieLens releases' are)
 * joined with {@code u.item} (id|title|release date|...; Latin-1), ordered by item id as pandas' merge of items
 * with ratings orders it, then split into train and test rows with a seed.
 */
public final class MovieLens {
    /** The 19 genres of {@code u.item}'s flags, in their column order (MovieLens's {@code u.genre}). */
    public static final List<String> GENRES = List.of("unknown", "Action", "Adventure", "Animation", "Children's",
            "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
            "Romance", "Sci-Fi", "Thriller", "War", "Western");
    /** The year the lab gives a movie without a release date. */
    public static final int MISSING_YEAR = 1920;

    private final Ratings all;
    private final Map<Integer, String> titles;
    private final Map<Integer, Integer> years;
    private final Map<Integer, int[]> genres;
    private final int maxUserId;
    private final int maxItemId;

    private MovieLens(Ratings all, Map<Integer, String> titles, Map<Integer, Integer> years,
                      Map<Integer, int[]> genres) {
        this.all = all;
        this.titles = Collections.unmodifiableMap(titles);
        this.years = Collections.unmodifiableMap(years);
        this.genres = Collections.unmodifiableMap(genres);
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
        Map<Integer, Integer> years = new TreeMap<>();
        Map<Integer, int[]> genres = new TreeMap<>();
        for (String line : Files.readAllLines(items, StandardCharsets.ISO_8859_1)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            if (f.length < 2) {
                throw new IOException("u.item: expected 'id|title|...', got: " + line);
            }
            int id = Integer.parseInt(f[0].trim());
            titles.put(id, f[1]);
            years.put(id, year(f.length > 2 ? f[2] : ""));
            // the 19 genre flags follow the id, title, release date, video release date and URL
            List<Integer> flags = new ArrayList<>();
            for (int g = 0; g < GENRES.size() && 5 + g < f.length; g++) {
                if (f[5 + g].trim().equals("1")) {
                    flags.add(g);
                }
            }
            genres.put(id, flags.stream().mapToInt(Integer::intValue).toArray());
        }
        // Ratings grouped by item in id order (stable within an item): pandas' merge(items, ratings).
        Map<Integer, List<Rating>> byItem = new TreeMap<>();
        List<String> lines = Files.readAllLines(data, StandardCharsets.ISO_8859_1);
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 3) {
                throw new IOException("u.data: expected 'user item rating timestamp', got: " + line);
            }
            Rating r = rating(f, line);
            if (titles.containsKey(r.item())) {
                byItem.computeIfAbsent(r.item(), k -> new ArrayList<>()).add(r);
            }
        }
        int n = byItem.values().stream().mapToInt(List::size).sum();
        int[] users = new int[n];
        int[] itemIds = new int[n];
        float[] ratings = new float[n];
        int k = 0;
        for (List<Rating> rows : byItem.values()) {
            for (Rating r : rows) {
                users[k] = r.user();
                itemIds[k] = r.item();
                ratings[k] = r.rating();
                k++;
            }
        }
        return new MovieLens(new Ratings(users, itemIds, ratings), titles, years, genres);
    }

    /** The third field of {@code dd-Mon-yyyy}, or {@link #MISSING_YEAR} when the date is missing or malformed. */
    static int year(String releaseDate) {
        String[] parts = releaseDate.trim().split("-");
        if (parts.length == 3) {
            try {
                return Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
                return MISSING_YEAR;
            }
        }
        return MISSING_YEAR;
    }

    /** The release year of each movie, by item id ({@link #MISSING_YEAR} without a date). */
    public Map<Integer, Integer> years() {
        return years;
    }

    /** The genres of each movie (indices into {@link #GENRES}), by item id. */
    public Map<Integer, int[]> genres() {
        return genres;
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

    /** The largest item id: an embedding over items needs {@code maxItemId() + 1} rows. */
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

    /** One line of {@code u.data}. */
    private record Rating(int user, int item, float rating) {
    }

    /** The user, item and rating of a {@code u.data} line split into {@code f}. */
    private static Rating rating(String[] f, String line) throws IOException {
        try {
            // a float: MovieLens 100k's ratings are whole stars, later releases' (ml-latest) half stars
            float rating = Float.parseFloat(f[2]);
            if (Float.isFinite(rating)) {
                return new Rating(Integer.parseInt(f[0]), Integer.parseInt(f[1]), rating);
            }
        } catch (NumberFormatException e) {
            // named below with the line
        }
        throw new IOException("u.data: expected integer user and item ids and a finite rating, got: " + line);
    }

    /** Train and test rows. */
    public record Split(Ratings train, Ratings test) {
    }
}
