package netc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import netc.runtime.InputException;
import org.junit.jupiter.api.Test;

class PackageNamesTest {
    private static final Path FILE = Path.of("src/main/netc/x.net");

    @Test
    void theDirectoryUnderTheSourceDirectoryIsThePackage() {
        assertEquals("com.example.model", PackageNames.of(Path.of("com/example/model/mlp.net"), null, FILE));
    }

    @Test
    void aFileAtTheRootHasNoPackage() {
        assertEquals("", PackageNames.of(Path.of("mlp.net"), null, FILE));
    }

    @Test
    void aConfiguredPackageWinsOverTheDirectory() {
        assertEquals("org.acme", PackageNames.of(Path.of("com/example/mlp.net"), "org.acme", FILE));
    }

    @Test
    void aDirectoryThatIsNoJavaPackageIsAUserErrorNamingTheFile() {
        InputException e = assertThrows(InputException.class,
                () -> PackageNames.of(Path.of("my-models/mlp.net"), null, Path.of("src/main/netc/my-models/mlp.net")));
        assertEquals("src/main/netc/my-models/mlp.net: error: the directory my-models (package 'my-models') is not a "
                + "valid Java package name; move the file or set <packageName>", e.getMessage());
    }

    @Test
    void aConfiguredPackageThatIsNoJavaPackageIsAUserError() {
        InputException e = assertThrows(InputException.class, () -> PackageNames.of(Path.of("mlp.net"), "java.model", FILE));
        assertEquals("src/main/netc/x.net: error: <packageName> 'java.model' is not a valid Java package name; "
                + "move the file or set <packageName>", e.getMessage());
    }
}
