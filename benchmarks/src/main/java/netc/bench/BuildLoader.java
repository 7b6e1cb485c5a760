package netc.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Set;

/**
 * A class loader for one build of netc (its benchmarks jar, which holds every module), into which a few classes of
 * this build are defined from their bytes so that they link to that build's compiler and runtime: the A/B tools'
 * way to run an older build, which lacks the tool's own helper classes, next to this one in a single JVM.
 */
final class BuildLoader extends ClassLoader {
    private final Set<String> ownClasses;

    /** A loader on {@code jar} alone (and the JDK) that defines {@code ownClasses} from this build's bytes. */
    BuildLoader(Path jar, Class<?>... ownClasses) throws IOException {
        super(new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader()));
        this.ownClasses = Set.of(java.util.Arrays.stream(ownClasses).map(Class::getName).toArray(String[]::new));
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!ownClasses.contains(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                String resource = name.replace('.', '/') + ".class";
                try (InputStream in = BuildLoader.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    c = defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
            return c;
        }
    }
}
