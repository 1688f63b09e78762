package org.tensorkit.examples.movielens;

import java.util.Optional;
import java.util.function.Function;

import picocli.CommandLine;

/** What the example programs' {@code main}s share: parse the command line, or print the usage, or exit 2. */
public final class CommandLines {
    private CommandLines() {
    }

    /**
     * The parsed options; {@code null} after printing the usage for {@code --help}; on a bad command line, its
     * message on stderr and exit status 2.
     */
    public static <T> T parseOrExit(String[] args, Function<String[], T> parse, Function<T, Optional<String>> help) {
        T options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return null;
        }
        Optional<String> usage = help.apply(options);
        if (usage.isPresent()) {
            System.out.print(usage.get());
            return null;
        }
        return options;
    }

    /**
     * Parses {@code args} into {@code cli}'s options object; returns the usage text when {@code --help} was given,
     * else {@code null}.
     *
     * @throws IllegalArgumentException for an unknown option, a missing value or a value of the wrong type, with
     *                                  picocli's message and the usage
     */
    public static String parse(CommandLine cli, String... args) {
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + cli.getUsageMessage(), e);
        }
        return cli.isUsageHelpRequested() ? cli.getUsageMessage() : null;
    }

    /**
     * {@code value} when at least 1.
     *
     * @throws IllegalArgumentException naming {@code option} and the value otherwise
     */
    public static int requireAtLeastOne(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return value;
    }
}
