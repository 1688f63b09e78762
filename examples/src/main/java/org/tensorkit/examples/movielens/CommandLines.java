package org.tensorkit.examples.movielens;

import java.util.Optional;
import java.util.function.Function;

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
}
