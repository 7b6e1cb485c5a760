package netc.compiler.internal.load;

import java.util.Map;

/**
 * Defines the classes of one compilation from their class files, child-first: a generated class name is never
 * resolved through the parent, so a class of the same name on the class path (a stale or javac-compiled copy) cannot
 * shadow the freshly compiled one. Janino's own loader delegates parent-first and would return the stale class
 * silently (shared/notes/java-kernels.md item 10). Every other name goes to the parent.
 */
final class GeneratedClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classFiles;

    GeneratedClassLoader(ClassLoader parent, Map<String, byte[]> classFiles) {
        super("netc-generated", parent);
        this.classFiles = Map.copyOf(classFiles);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        byte[] bytes = classFiles.get(name);
        if (bytes == null) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }
}
