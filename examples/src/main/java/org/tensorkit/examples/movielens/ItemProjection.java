package org.tensorkit.examples.movielens;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.vectors.Pca;

/**
 * The recommender's {@code --projection}: the item table's first two principal components (fitted on the rows of
 * every movie the table has), and the most rated movies placed and labelled on them, drawn as a PNG.
 */
public final class ItemProjection {
    private ItemProjection() {
    }

    /**
     * A labelled movie on the plane.
     *
     * @param itemId the movie
     * @param title its title
     * @param ratings how often it was rated in the training rows
     * @param x the first component
     * @param y the second component
     */
    public record Point(int itemId, String title, int ratings, double x, double y) {
    }

    /**
     * The {@code count} most rated movies of {@code train} (ties by id), projected.
     *
     * @param items the item table
     * @param titles the movies' titles
     * @param train the rows that count ratings
     * @param rowOf an item's row of the table (-1 when it has none)
     * @param count how many movies
     * @return their points, most rated first
     */
    public static List<Point> of(Embedding items, Map<Integer, String> titles, Ratings train, IntUnaryOperator rowOf,
                                 int count) {
        Map<Integer, Integer> ratings = new HashMap<>();
        for (int item : train.itemIds()) {
            ratings.merge(item, 1, Integer::sum);
        }
        List<Integer> known = new ArrayList<>();
        for (int id : titles.keySet()) {
            int row = rowOf.applyAsInt(id);
            if (row >= 0 && row < items.inputDim()) {
                known.add(id);
            }
        }
        known.sort(Comparator.naturalOrder());
        List<Integer> top = new ArrayList<>(known);
        top.sort(Comparator.comparingInt((Integer id) -> -ratings.getOrDefault(id, 0)).thenComparingInt(id -> id));
        top = top.subList(0, Math.min(count, top.size()));
        Tensor table = items.embeddings().read();
        Pca pca = Pca.fit(table, known.stream().mapToInt(rowOf::applyAsInt).toArray(), 2);
        double[][] xy = pca.project(table, top.stream().mapToInt(rowOf::applyAsInt).toArray());
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            int id = top.get(i);
            points.add(new Point(id, titles.get(id), ratings.getOrDefault(id, 0), xy[i][0], xy[i][1]));
        }
        return points;
    }

    /**
     * Draws {@code points} as a labelled scatter plot (headless).
     *
     * @param points the movies
     * @param file the PNG
     * @param title the chart's title
     * @throws IOException if the file cannot be written
     */
    public static void plot(List<Point> points, Path file, String title) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart chart = new XYChartBuilder().width(1200).height(900).title(title).xAxisTitle("component 1")
                .yAxisTitle("component 2").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        chart.getStyler().setAnnotationTextFontColor(new Color(40, 40, 40));
        chart.getStyler().setPlotGridLinesStroke(new BasicStroke(0.5f));
        double[] x = points.stream().mapToDouble(Point::x).toArray();
        double[] y = points.stream().mapToDouble(Point::y).toArray();
        if (x.length > 0) {
            chart.addSeries("movies", x, y).setMarker(SeriesMarkers.CIRCLE).setMarkerColor(new Color(31, 119, 180));
            double[] xr = range(x);
            double[] yr = range(y);
            chart.getStyler().setXAxisMin(xr[0]).setXAxisMax(xr[1]).setYAxisMin(yr[0]).setYAxisMax(yr[1]);
            for (Label l : place(points, xr, yr)) {
                chart.addAnnotation(new AnnotationText(l.text(), l.x(), l.y(), false));
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** A label's text and centre, in data units. */
    record Label(String text, double x, double y) {
    }

    private static final double PLOT_WIDTH_PX = 1100;
    private static final double PLOT_HEIGHT_PX = 780;
    private static final double CHAR_PX = 7.2;
    private static final double LINE_PX = 14;

    /** The axis range of {@code v} with a margin of 12% on each side, so that edge labels fit. */
    static double[] range(double[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        double margin = Math.max(hi - lo, 1e-9) * 0.12;
        return new double[] {lo - margin, hi + margin};
    }

    /**
     * Greedy label placement, most rated first: each label goes to the first of twelve spots around its point
     * (above, below, right, left, then further out) whose box, estimated from the text's length at
     * the chart's scale, overlaps no label placed before; the last spot tried is kept when none is free.
     */
    static List<Label> place(List<Point> points, double[] xr, double[] yr) {
        double pxX = PLOT_WIDTH_PX / (xr[1] - xr[0]);
        double pxY = PLOT_HEIGHT_PX / (yr[1] - yr[0]);
        List<double[]> boxes = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (Point p : points) {
            String text = shortTitle(p.title());
            double w = text.length() * CHAR_PX / pxX;
            double h = LINE_PX / pxY;
            double side = w / 2 + 6 / pxX;
            double[][] spots = {{0, 0.9 * h}, {0, -0.9 * h}, {side, 0}, {-side, 0}, {0, 1.9 * h}, {0, -1.9 * h},
                {side, h}, {-side, -h}, {side, -h}, {-side, h}, {0, 2.9 * h}, {0, -2.9 * h}};
            double slack = 0.02 * h;      // boxes that only touch do not overlap
            double[] chosen = null;
            for (double[] spot : spots) {
                double cx = p.x() + spot[0];
                double cy = p.y() + spot[1];
                double[] box = {cx - w / 2, cy - h / 2 + slack, cx + w / 2, cy + h / 2 - slack};
                chosen = box;
                if (boxes.stream().noneMatch(b -> b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) {
                    break;
                }
            }
            boxes.add(chosen);
            labels.add(new Label(text, (chosen[0] + chosen[2]) / 2, (chosen[1] + chosen[3]) / 2));
        }
        return labels;
    }

    /** {@code "Star Wars (1977)"}; titles beyond 30 characters end in an ellipsis. */
    static String shortTitle(String title) {
        String t = title.strip();
        return t.length() <= 30 ? t : t.substring(0, 29).strip() + "\u2026";
    }

}
