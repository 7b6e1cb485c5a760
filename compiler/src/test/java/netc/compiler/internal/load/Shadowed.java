package netc.compiler.internal.load;

/** On the test class path on purpose: {@link JaninoLoaderTest} compiles a class of the same name. */
public final class Shadowed {
    private Shadowed() {
    }

    public static String origin() {
        return "class path";
    }
}
