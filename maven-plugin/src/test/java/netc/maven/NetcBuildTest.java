package netc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import netc.api.ModelException;
import netc.runtime.InputException;
import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate goal's work, run without Maven: {@link NetcBuild} on files in a temporary project. */
class NetcBuildTest {
    private static final String SOFTMAX = """
            network softmax_regression

            input  x[784]
            target y : class[10]

            param W[10, 784] init xavier
            param b[10]

            p = softmax(W x + b)
            loss = cross_entropy(p, y)
            """;

    @TempDir
    Path project;

    private final List<String> infos = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private Path src() {
        return project.resolve("src/main/netc");
    }

    private Path out() {
        return project.resolve("target/generated-sources/netc");
    }

    private Path write(String relative, String text) throws IOException {
        Path f = src().resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    private NetcBuild build(String packageName, String version) {
        return new NetcBuild(src(), List.of("**/*.net"), List.of(), out(), packageName, true,
                new Stamps(project.resolve("target/netc-stamps"), FileTime.fromMillis(0)), version);
    }

    private NetcBuild.Result run(NetcBuild b) {
        return b.run(infos::add, warnings::add);
    }

    private static Object identity(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    @Test
    void writesTheClassUnderThePackageOfItsDirectoryNamedAfterTheNetwork() throws IOException {
        write("com/example/model/softmax.net", SOFTMAX);
        NetcBuild.Result r = run(build(null, "1"));
        Path java = out().resolve("com/example/model/SoftmaxRegression.java");
        assertEquals(List.of(java), r.generated());
        String source = Files.readString(java);
        assertTrue(source.contains("\npackage com.example.model;\n"), source.substring(0, 80));
        assertTrue(source.contains("public final class SoftmaxRegression"));
        assertTrue(source.contains("jdk.incubator.vector"), "vector kernels by default");
    }

    @Test
    void scalarKernelsNeedNoVectorApi() throws IOException {
        write("softmax.net", SOFTMAX);
        NetcBuild scalar = new NetcBuild(src(), List.of("**/*.net"), List.of(), out(), null, false,
                new Stamps(project.resolve("target/netc-stamps"), FileTime.fromMillis(0)), "1");
        run(scalar);
        String source = Files.readString(out().resolve("SoftmaxRegression.java"));
        assertFalse(source.contains("jdk.incubator.vector"));
        assertFalse(source.contains("\npackage "), "a file at the root has no package");
    }

    @Test
    void aSecondRunLeavesAnUpToDateClassAloneAndATouchedModelIsCompiledAgain() throws IOException {
        Path net = write("m/softmax.net", SOFTMAX);
        run(build(null, "1"));
        Path java = out().resolve("m/SoftmaxRegression.java");
        Object first = identity(java);

        NetcBuild.Result again = run(build(null, "1"));
        assertEquals(List.of(), again.generated());
        assertEquals(1, again.upToDate());
        assertEquals(first, identity(java), "an up-to-date class is not rewritten (rename gives a new file)");

        FileTime stamped = Files.getLastModifiedTime(project.resolve("target/netc-stamps/m/softmax.net.stamp"));
        Files.setLastModifiedTime(net, FileTime.fromMillis(stamped.toMillis() + 2000));
        NetcBuild.Result touched = run(build(null, "1"));
        assertEquals(List.of(java), touched.generated());
        assertNotEquals(first, identity(java));
    }

    @Test
    void anotherPluginVersionOrPackageOrADeletedClassIsOutOfDate() throws IOException {
        write("m/softmax.net", SOFTMAX);
        run(build(null, "1"));
        assertEquals(1, run(build(null, "2")).generated().size(), "another plugin version");
        assertEquals(1, run(build("org.acme", "2")).generated().size(), "another package");
        Files.delete(out().resolve("org/acme/SoftmaxRegression.java"));
        assertEquals(1, run(build("org.acme", "2")).generated().size(), "the class was deleted");
        assertEquals(0, run(build("org.acme", "2")).generated().size());
    }

    @Test
    void anEditedModelOlderThanItsStampOrAnotherOutputDirectoryIsCompiledAgain() throws IOException {
        Path net = write("softmax.net", SOFTMAX);
        run(build(null, "1"));
        // an edit that keeps an old time (cp -p, rsync -a, tar x, a restored backup)
        FileTime old = Files.getLastModifiedTime(net);
        Files.writeString(net, SOFTMAX.replace("init xavier", "init he"));
        Files.setLastModifiedTime(net, FileTime.fromMillis(old.toMillis() - 60_000));
        NetcBuild.Result edited = run(build(null, "1"));
        assertEquals(1, edited.generated().size(), "the text changed");
        assertTrue(Files.readString(out().resolve("SoftmaxRegression.java")).contains("Init.HE"));
        Path elsewhere = project.resolve("target/gen2");
        NetcBuild moved = new NetcBuild(src(), List.of("**/*.net"), List.of(), elsewhere, null, true,
                new Stamps(project.resolve("target/netc-stamps"), FileTime.fromMillis(0)), "1");
        assertEquals(List.of(elsewhere.resolve("SoftmaxRegression.java")), run(moved).generated());
    }

    @Test
    void aStampOlderThanThePluginCodeIsOutOfDate() throws IOException {
        write("softmax.net", SOFTMAX);
        run(build(null, "1"));
        FileTime stamped = Files.getLastModifiedTime(project.resolve("target/netc-stamps/softmax.net.stamp"));
        Stamps newerTool = new Stamps(project.resolve("target/netc-stamps"),
                FileTime.fromMillis(stamped.toMillis() + 1000));
        NetcBuild b = new NetcBuild(src(), List.of("**/*.net"), List.of(), out(), null, true, newerTool, "1");
        assertEquals(1, run(b).generated().size());
    }

    @Test
    void renamingTheNetworkDeletesTheOldClass() throws IOException {
        Path net = write("m/softmax.net", SOFTMAX);
        run(build(null, "1"));
        Files.writeString(net, SOFTMAX.replace("network softmax_regression", "network renamed"));
        Files.setLastModifiedTime(net, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        run(build(null, "1"));
        assertTrue(Files.exists(out().resolve("m/Renamed.java")));
        assertFalse(Files.exists(out().resolve("m/SoftmaxRegression.java")), "the old class is not compiled on");
    }

    @Test
    void aDeletedModelTakesItsClassAndStampAlong() throws IOException {
        Path net = write("m/softmax.net", SOFTMAX);
        write("m/other.net", SOFTMAX.replace("softmax_regression", "other_net"));
        run(build(null, "1"));
        Files.delete(net);
        NetcBuild.Result r = run(build(null, "1"));
        assertEquals(1, r.upToDate());
        assertFalse(Files.exists(out().resolve("m/SoftmaxRegression.java")));
        assertTrue(Files.exists(out().resolve("m/OtherNet.java")));
        assertFalse(Files.exists(project.resolve("target/netc-stamps/m/softmax.net.stamp")));
        assertTrue(infos.contains("netc: deleted m/SoftmaxRegression.java (m/softmax.net is gone)"), infos.toString());
    }

    @Test
    void includesAndExcludesPickTheFiles() throws IOException {
        write("a/one.net", SOFTMAX);
        write("b/two.net", SOFTMAX.replace("softmax_regression", "other_net"));
        write("b/notes.txt", "not a model");
        NetcBuild b = new NetcBuild(src(), List.of("**/*.net"), List.of("a/**"), out(), null, true,
                new Stamps(project.resolve("target/netc-stamps"), FileTime.fromMillis(0)), "1");
        assertEquals(List.of(out().resolve("b/OtherNet.java")), run(b).generated());
    }

    @Test
    void aMistakeInTheModelFailsTheBuildWithItsPositionAndWritesNothing() throws IOException {
        Path net = write("m/bad.net", SOFTMAX.replace("p = softmax(W x + b)", "p = softmax(W x + c)"));
        ModelException e = assertThrows(ModelException.class, () -> run(build(null, "1")));
        AbstractMojoExecutionException m = MojoErrors.of(e);
        assertInstanceOf(MojoFailureException.class, m);
        assertTrue(m.getMessage().startsWith(net + ":9:19: error: unknown name 'c'"), m.getMessage());
        assertEquals(null, m.getCause(), "no cause: Maven prints no stack trace for it");
        assertFalse(Files.exists(out()), "nothing written");
    }

    @Test
    void anOutputDirectoryThatCannotBeWrittenFailsTheBuildAndLeavesNoFiles() throws IOException {
        write("m/softmax.net", SOFTMAX);
        Files.createDirectories(out());
        Files.writeString(out().resolve("m"), "a file where the package directory should be");
        RuntimeException e = assertThrows(RuntimeException.class, () -> run(build(null, "1")));
        AbstractMojoExecutionException m = MojoErrors.of(e);
        assertInstanceOf(MojoFailureException.class, m);
        assertTrue(m.getMessage().startsWith(out().resolve("m") + ": error: cannot create directory"),
                m.getMessage());
        try (Stream<Path> files = Files.walk(out())) {
            assertEquals(List.of(out(), out().resolve("m")), files.sorted().toList(), "no class, no temporary file");
        }
        assertFalse(Files.exists(project.resolve("target/netc-stamps/m/softmax.net.stamp")));
    }

    @Test
    void twoModelsGivingTheSameClassAreAUserErrorNamingBoth() throws IOException {
        write("a/one.net", SOFTMAX);
        Path second = write("b/two.net", SOFTMAX);
        InputException e = assertThrows(InputException.class, () -> run(build("com.example", "1")));
        assertEquals(second + ": error: its class com/example/SoftmaxRegression.java is also generated from "
                + src().resolve("a/one.net") + "; rename one of the networks or put the files in different packages",
                e.getMessage());
    }

    @Test
    void anUpToDateModelStillClaimsItsClass() throws IOException {
        write("a/one.net", SOFTMAX);
        run(build("com.example", "1"));
        Path java = out().resolve("com/example/SoftmaxRegression.java");
        Object first = identity(java);
        Path second = write("b/two.net", SOFTMAX);
        InputException e = assertThrows(InputException.class, () -> run(build("com.example", "1")));
        assertTrue(e.getMessage().startsWith(second + ": error: its class com/example/SoftmaxRegression.java is "
                + "also generated from " + src().resolve("a/one.net")), e.getMessage());
        assertEquals(first, identity(java), "the first model's class is not replaced by the second's");
    }

    @Test
    void aFileSystemRefusalIsAFailureWithItsReason() {
        AbstractMojoExecutionException m = MojoErrors.of(new java.io.UncheckedIOException("cannot list src/main/netc",
                new java.nio.file.AccessDeniedException("src/main/netc/x")));
        assertInstanceOf(MojoFailureException.class, m);
        assertEquals("netc: error: cannot list src/main/netc: src/main/netc/x", m.getMessage());
    }

    @Test
    void anInternalErrorIsAnExecutionExceptionWithItsCause() {
        IllegalStateException bug = new IllegalStateException("boom");
        AbstractMojoExecutionException m = MojoErrors.of(bug);
        assertInstanceOf(MojoExecutionException.class, m);
        assertEquals(bug, m.getCause());
        assertTrue(m.getMessage().startsWith("netc: internal error"), m.getMessage());
    }

    @Test
    void noSourceDirectoryGeneratesNothing() {
        NetcBuild.Result r = run(build(null, "1"));
        assertEquals(List.of(), r.generated());
        assertEquals(0, r.upToDate());
    }
}
