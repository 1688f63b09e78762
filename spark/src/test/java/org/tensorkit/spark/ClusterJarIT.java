package org.tensorkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The cluster jar through {@code spark-submit} (run by Failsafe after {@code package}), against a Spark
 * distribution's {@code jars/}: Spark SQL and MLlib resolved alone with Spark's own versions, and the Guava 14 a
 * distribution ships ({@code src/it/spark-distribution}, resolved by the invoker plugin into
 * {@code target/it/spark-<version>/jars}). {@code bin/spark-submit} runs {@code bin/spark-class}, which runs Spark's
 * launcher ({@code org.apache.spark.launcher.Main}) with those jars to build the submit command, then runs that
 * command; this test does the same two steps, without the shell scripts (no distribution can be downloaded here,
 * and Maven Central has the jars but not the scripts). Spark's jars come first on that command's class path and the
 * application's jars in a class loader below them, as on a cluster. With Guava relocated the cluster jar hashes
 * as Keras does and trains on executors that a standalone worker starts; the plain module jar beside Guava 33
 * cannot on Spark 3.5, because its Guava 14 comes first and has no FarmHash: the relocation is what makes the jar
 * submittable there.
 */
class ClusterJarIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    static Path jar(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(p -> p.getFileName().toString().matches("tensorkit-spark-.*" + suffix))
                    .findFirst().orElseThrow(() -> new AssertionError("no jar *" + suffix + " in target"));
        }
    }

    /** A jar holding {@link ClusterCheck} alone, the application jar: the rest must come from the jars given. */
    private static Path checkJar() throws IOException {
        Path jar = TARGET.resolve("it/cluster-check.jar");
        String name = ClusterCheck.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(name));
            out.write(Files.readAllBytes(TARGET.resolve("test-classes").resolve(name)));
            out.closeEntry();
        }
        return jar;
    }

    /** The Spark distribution's home, whose jars/ the invoker plugin filled (Failsafe names it). */
    private static Path distribution() {
        return Path.of(System.getProperty("spark.distribution.home"));
    }

    /** What a process printed (its output and its errors) and how it ended. */
    private record Submitted(int exit, String out, String log) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    /**
     * {@code spark-submit args}, as {@code bin/spark-class} runs it: the launcher with the distribution's jars
     * prints the command (after a NUL and a newline, its arguments NUL-separated), and the command runs with
     * {@code SPARK_HOME} the distribution and {@code SPARK_SCALA_VERSION} set as {@code bin/load-spark-env.sh} sets
     * it.
     */
    private static Submitted sparkSubmit(List<String> args) throws IOException, InterruptedException {
        Path home = distribution();
        assertTrue(Files.isDirectory(home.resolve("jars")), "the distribution's jars/ in " + home);
        List<String> launch = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-cp", home.resolve("jars") + "/*", "org.apache.spark.launcher.Main",
                "org.apache.spark.deploy.SparkSubmit"));
        launch.addAll(args);
        Submitted launched = run(launch, home, 1);
        assertEquals(0, launched.exit(), "the launcher builds the command: " + launched.log());
        String printed = launched.out();
        // spark-class's reading: lines of other output, then a NUL and a newline, then the command NUL-separated
        int start = printed.indexOf("\0\n");
        assertTrue(start >= 0, "the launcher prints a command: " + printed);
        List<String> command = Arrays.asList(printed.substring(start + 2).split("\0"));
        assertTrue(command.contains("org.apache.spark.deploy.SparkSubmit"), "the launcher runs SparkSubmit: "
                + command);
        assertTrue(command.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), "with Spark's Java 17 list: "
                + command);
        return run(command, home, 5);
    }

    /**
     * Runs {@code command} in the distribution's environment, its output and errors to files (read once it ends),
     * killed with its descendants if it runs past {@code minutes}.
     */
    private static Submitted run(List<String> command, Path home, int minutes) throws IOException,
            InterruptedException {
        Path out = Files.createTempFile(TARGET.resolve("it"), "spark-submit", ".out");
        Path log = Files.createTempFile(TARGET.resolve("it"), "spark-submit", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(log.toFile());
            environment(builder.environment(), home);
            Process p = builder.start();
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                throw new AssertionError(command.get(0) + " ran past " + minutes + " minutes: "
                        + Files.readString(log));
            }
            return new Submitted(p.exitValue(), Files.readString(out), Files.readString(log));
        } finally {
            Files.delete(out);
            Files.delete(log);
        }
    }

    private static void environment(Map<String, String> env, Path home) {
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
    }

    /** The options every submission here takes: the loopback address, no UI, two shuffle partitions. */
    private static List<String> submit(String master, String jars) throws IOException {
        return List.of("--master", master, "--conf", "spark.driver.host=127.0.0.1", "--conf",
                "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.ui.enabled=false", "--conf",
                "spark.sql.shuffle.partitions=2", "--class", ClusterCheck.class.getName(), "--jars", jars,
                checkJar().toString());
    }

    @Test
    void theClusterJarSubmittedToAStandaloneClusterComputesWhatTheBuildsLibraryDoes() throws Exception {
        List<String> expected;
        SparkSession spark = TensorkitSpark.localSession("tensorkit-cluster-check", 2);
        try {
            spark.conf().set("spark.sql.shuffle.partitions", "2");
            expected = ClusterCheck.report(spark);
        } finally {
            spark.stop();
        }
        assertEquals("indices=2,4,5,0,1,3", expected.get(0), "the lookup hashes as Keras does");

        // two workers, an executor JVM each, started by the worker from the distribution's jars/; the application's
        // jars fetched from the driver
        Submitted got = sparkSubmit(submit("local-cluster[2,1,1024]", jar("-cluster\\.jar").toString()));
        assertEquals(0, got.exit(), got.log());
        assertEquals(expected, got.lines(), got.log());
        assertTrue(got.log().contains("Granted executor ID"), "executors on the workers: " + got.log());
    }

    /** The major version of the distribution's Guava: 14 for Spark 3.5, 33 for Spark 4. */
    private static int distributionGuava() throws IOException {
        try (Stream<Path> jars = Files.list(distribution().resolve("jars"))) {
            List<Integer> majors = jars.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("guava-\\d+\\..*"))
                    .map(n -> Integer.parseInt(n.substring(6, n.indexOf('.')))).toList();
            assertEquals(1, majors.size(), "one Guava in the distribution: " + majors);
            return majors.get(0);
        }
    }

    @Test
    void withoutTheRelocationTheDistributionsGuavaIsTheOneThatRuns() throws Exception {
        List<String> jars = new ArrayList<>(List.of(jar("-SNAPSHOT\\.jar").toString()));
        jars.addAll(Arrays.asList(Files.readString(TARGET.resolve("it/tensorkit.classpath")).strip()
                .split(java.io.File.pathSeparator)));
        Submitted got = sparkSubmit(submit("local[1]", String.join(",", jars)));
        if (distributionGuava() < 20) {
            // Spark 3.5's Guava 14, before the application's Guava 33: FarmHash came in Guava 20
            assertNotEquals(0, got.exit(), "the submission fails");
            assertTrue(got.log().contains("NoSuchMethodError") && got.log().contains("farmHashFingerprint64"),
                    got.log());
            assertTrue(got.lines().isEmpty(), "nothing printed: " + got.lines());
        } else {
            // Spark 4's Guava 33 has it: the plain jar runs, on Spark's Guava rather than its own
            assertEquals(0, got.exit(), got.log());
            assertEquals("indices=2,4,5,0,1,3", got.lines().get(0), got.log());
        }
    }
}
