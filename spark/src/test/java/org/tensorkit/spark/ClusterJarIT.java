package org.tensorkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The cluster jar under a Spark distribution's class path (run by Failsafe after {@code package}): Spark's own
 * Guava 14 first, as {@code spark-submit} puts {@code $SPARK_HOME/jars} first, then Spark's jars, then the jar.
 * With Guava relocated the lookup hashes as Keras does; the plain module jar beside Guava 33 cannot, because
 * Guava 14 has no FarmHash: the relocation is what makes the jar submittable.
 */
class ClusterJarIT {
    private static final Path TARGET = Path.of("target");

    static String classpath(String... parts) throws IOException {
        List<String> cp = new ArrayList<>();
        cp.add(TARGET.resolve("it/guava-14.0.1.jar").toString());
        cp.add(Files.readString(TARGET.resolve("it/spark.classpath")).strip());
        cp.addAll(Arrays.asList(parts));
        cp.add(TARGET.resolve("test-classes").toString());
        return String.join(java.io.File.pathSeparator, cp);
    }

    static Path jar(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(p -> p.getFileName().toString().matches("tensorkit-spark-.*" + suffix))
                    .findFirst().orElseThrow(() -> new AssertionError("no jar *" + suffix + " in target"));
        }
    }

    private static String run(String classpath) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("spark.java17.options").trim().split("\\s+")));
        command.addAll(List.of("-cp", classpath, ClusterCheck.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the check finishes");
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void theClusterJarHashesAsKerasDoesBesideSparksGuava() throws Exception {
        String out = run(classpath(jar("-cluster\\.jar").toString()));
        assertTrue(out.lines().anyMatch("indices=2,4,5,0,1,3"::equals), out);
    }

    @Test
    void withoutTheRelocationSparksGuavaWins() throws Exception {
        String plain = jar("-SNAPSHOT\\.jar").toString();
        String out = run(classpath(plain, Files.readString(TARGET.resolve("it/tensorkit.classpath")).strip()));
        assertTrue(out.contains("NoSuchMethodError") && out.contains("farmHashFingerprint64"), out);
        assertEquals(false, out.lines().anyMatch("indices=2,4,5,0,1,3"::equals));
    }
}
