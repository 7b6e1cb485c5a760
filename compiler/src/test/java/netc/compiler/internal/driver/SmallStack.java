package netc.compiler.internal.driver;

/**
 * Test helper: runs a task on a thread with the JVM's default stack of 1 MB, as the {@code netc} launcher's main
 * thread has (the test JVM's main thread may have more), so that a recursion as deep as the model fails in tests too.
 */
public final class SmallStack {
    private SmallStack() {
    }

    /** Runs {@code task} on a thread with the JVM's default 1 MB stack, as the {@code netc} launcher's main thread. */
    public static <T> T run(java.util.function.Supplier<T> task) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = task.get();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "netc-1m-stack", 1 << 20);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (failure[0] != null) {
            throw new AssertionError("failed on a 1 MB stack", failure[0]);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }
}
