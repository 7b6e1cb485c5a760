package netc.runtime;

/**
 * The property every reader fuzz test asserts: an input is either read, or rejected with one {@link InputException}
 * whose message names the input. Any other throwable (NullPointerException, an index out of bounds, an
 * IllegalArgumentException from a constructor, OutOfMemoryError from a declared size, StackOverflowError) escapes
 * and Jazzer reports it as a finding; so does an input that runs past the fuzzer's per-input time limit.
 */
public final class FuzzProperty {
    private FuzzProperty() {
    }

    /** Runs {@code read}; an {@link InputException} passes only if its message starts with {@code source}. */
    public static void readsOrRejects(String source, Runnable read) {
        try {
            read.run();
        } catch (InputException e) {
            if (!e.getMessage().startsWith(source + ":")) {
                throw new AssertionError("the message does not name " + source + ": " + e.getMessage(), e);
            }
        }
    }
}
