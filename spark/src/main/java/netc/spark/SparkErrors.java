package netc.spark;

import netc.runtime.InputException;

/**
 * A mistake in the data found on an executor reaches the driver wrapped in Spark's job failure; the user should see
 * the mistake itself, once, not the wrapper.
 */
final class SparkErrors {

    private SparkErrors() {
    }

    /**
     * The {@link InputException} inside {@code e}, if there is one, else {@code e} itself (Spark's job failures are
     * checked exceptions that Scala throws undeclared: those come back wrapped in an unchecked one).
     */
    static RuntimeException unwrap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputException input) {
                return input;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
}
