package org.tensorkit.examples.movielens;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Concatenate;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dropout;
import org.tensorkit.layers.EmbedReduce;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.preprocessing.Discretization;
import org.tensorkit.layers.preprocessing.Normalization;
import org.tensorkit.layers.preprocessing.OutputMode;
import org.tensorkit.layers.preprocessing.StringLookup;
import org.tensorkit.models.Model;

/**
 * The course lab's hybrid recommender, with its preprocessing inside the model: raw user and item ids read as
 * strings through {@link StringLookup}s adapted on the training rows, the item's popularity (ratings per item in
 * the training rows) in ten quantile bins by a {@link Discretization} and its release year by a
 * {@link Normalization}, both adapted on the training rows as the lab's quantile transform is, and its genres
 * ({@code u.item}'s 19 flags) as a padded bag pooled by an {@link EmbedReduce}. The 64-d user and item embeddings
 * (each followed by Dropout 0.3) and the item features are concatenated, then Dense(64, relu), Dropout(0.3),
 * Dense(64, relu), Dropout(0.3), Dense(1).
 *
 * <p>Its inputs, in order: {@code user} and {@code item} (strings), {@code popularity} and {@code year} (float32,
 * one per row), {@code genres} (genre index + 1 per flag set, 0 padding, {@link #BAG} per row).
 */
public final class Hybrid implements MovieLensRecommender.Features {
    /** Genres per movie at most, the bag's length (MovieLens 100k's movies have up to 6). */
    public static final int BAG = 6;

    private final MovieLens data;
    private final Map<Integer, Integer> popularity;
    private final StringLookup users;
    private final StringLookup items;
    private final Discretization popularityBins;
    private final Normalization yearNorm;

    private Hybrid(MovieLens data, Map<Integer, Integer> popularity, StringLookup users, StringLookup items,
                   Discretization popularityBins, Normalization yearNorm) {
        this.data = data;
        this.popularity = popularity;
        this.users = users;
        this.items = items;
        this.popularityBins = popularityBins;
        this.yearNorm = yearNorm;
    }

    /** The preprocessing learnt from the training rows: vocabularies, popularity quantiles, year statistics. */
    public static Hybrid of(MovieLens data, Ratings train) {
        Map<Integer, Integer> popularity = new HashMap<>();
        for (int item : train.itemIds()) {
            popularity.merge(item, 1, Integer::sum);
        }
        StringLookup users = StringLookup.builder().name("user_lookup").build();
        users.adapt(Arrays.stream(train.userIds()).mapToObj(Integer::toString).toList());
        StringLookup items = StringLookup.builder().name("item_lookup").build();
        items.adapt(Arrays.stream(train.itemIds()).mapToObj(Integer::toString).toList());
        Hybrid h = new Hybrid(data, popularity, users, items,
                Discretization.builder().numBins(10).outputMode(OutputMode.ONE_HOT).name("popularity_bins").build(),
                Normalization.builder().name("year_normalization").build());
        List<Tensor> features = h.of(train.userIds(), train.itemIds());
        h.popularityBins.adapt(features.get(2));
        h.yearNorm.adapt(features.get(3));
        return h;
    }

    /** The model, its weights seeded from {@code seed}. */
    public Model model(long seed) {
        SymbolicTensor user = Input.builder().shape(1).dtype(DType.STRING).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).dtype(DType.STRING).name("item").build();
        SymbolicTensor pop = Input.builder().shape(1).name("popularity").build();
        SymbolicTensor year = Input.builder().shape(1).name("year").build();
        SymbolicTensor genres = Input.builder().shape(BAG).dtype(DType.INT32).name("genres").build();
        SymbolicTensor u = embedded(users.call(user), users.vocabularySize(), "user_embedding", seed);
        SymbolicTensor i = embedded(items.call(item), items.vocabularySize(), "item_embedding", seed + 1);
        EmbedReduce genrePool = EmbedReduce.builder().inputDim(MovieLens.GENRES.size() + 1).outputDim(8)
                .maskZero(true).name("genre_embedding").seed(seed + 2).build();
        SymbolicTensor x = Concatenate.create().call(u, i, popularityBins.call(pop), yearNorm.call(year),
                genrePool.call(genres));
        for (int k = 0; k < 2; k++) {
            x = Dense.builder().units(64).activation("relu").seed(seed + 3 + k).build().call(x);
            x = Dropout.builder().rate(0.3).seed(seed + 5 + k).build().call(x);
        }
        SymbolicTensor y = Dense.builder().units(1).seed(seed + 7).build().call(x);
        return Model.builder().inputs(user, item, pop, year, genres).outputs(y).name("hybrid_model").build();
    }

    private static SymbolicTensor embedded(SymbolicTensor ids, int rows, String name, long seed) {
        Embedding table = Embedding.builder().inputDim(rows).outputDim(64).name(name).seed(seed).build();
        SymbolicTensor flat = Flatten.create().call(table.call(ids));
        return Dropout.builder().rate(0.3).seed(seed + 100).build().call(flat);
    }

    /** The table row of an item: its index in the item lookup, -1 for an item the training rows never had. */
    public int itemRow(int itemId) {
        if (itemRows == null) {
            Map<String, Integer> rows = new HashMap<>();
            List<String> vocabulary = items.getVocabulary(true); // the OOV token [UNK] is no item id
            for (int r = 0; r < vocabulary.size(); r++) {
                rows.put(vocabulary.get(r), r);
            }
            itemRows = rows;
        }
        return itemRows.getOrDefault(Integer.toString(itemId), -1);
    }

    /** Item id text to table row, made at the first {@link #itemRow} (the vocabulary is fixed by then). */
    private Map<String, Integer> itemRows;

    @Override
    public List<Tensor> of(int[] userIds, int[] itemIds) {
        int n = userIds.length;
        String[][] u = new String[n][1];
        String[][] i = new String[n][1];
        float[][] pop = new float[n][1];
        float[][] year = new float[n][1];
        int[][] genres = new int[n][BAG];
        for (int r = 0; r < n; r++) {
            u[r][0] = Integer.toString(userIds[r]);
            i[r][0] = Integer.toString(itemIds[r]);
            pop[r][0] = popularity.getOrDefault(itemIds[r], 0);
            year[r][0] = data.years().getOrDefault(itemIds[r], MovieLens.MISSING_YEAR);
            int[] g = data.genres().getOrDefault(itemIds[r], new int[0]);
            for (int k = 0; k < Math.min(BAG, g.length); k++) {
                genres[r][k] = g[k] + 1;
            }
        }
        return List.of(Tensor.of(u), Tensor.of(i), Tensor.of(pop), Tensor.of(year), Tensor.of(genres));
    }
}
