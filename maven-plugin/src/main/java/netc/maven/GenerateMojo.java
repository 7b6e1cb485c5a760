package netc.maven;

import java.io.File;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates the Java class of every {@code .net} file under {@code src/main/netc} into
 * {@code target/generated-sources/netc} and adds that directory to the compile source roots, so the project's
 * normal javac compiles the classes. A class's package is its file's directory (or {@code packageName}), its name
 * the network's name in UpperCamelCase, as {@code netc generate} makes it. Unchanged files are not compiled again.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {

    /** Where the {@code .net} files are. */
    @Parameter(defaultValue = "${project.basedir}/src/main/netc", property = "netc.sourceDirectory")
    private File sourceDirectory;

    /** The source root the classes are written under. */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/netc", property = "netc.outputDirectory")
    private File outputDirectory;

    /** Files to compile, Ant-style patterns relative to {@code sourceDirectory}; default every {@code .net} file. */
    @Parameter
    private List<String> includes;

    /** Files to leave out, Ant-style patterns relative to {@code sourceDirectory}. */
    @Parameter
    private List<String> excludes;

    /** The package of every generated class; by default each {@code .net} file's directory gives it. */
    @Parameter(property = "netc.packageName")
    private String packageName;

    /** Plain Java loops instead of Vector API kernels: the classes then compile and run without
     * {@code --add-modules jdk.incubator.vector}. */
    @Parameter(defaultValue = "false", property = "netc.scalar")
    private boolean scalar;

    /** Skips the goal (nothing generated, no source root added). */
    @Parameter(defaultValue = "false", property = "netc.skip")
    private boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${project.build.directory}/netc-stamps", readonly = true, required = true)
    private File stampDirectory;

    @Parameter(defaultValue = "${plugin.version}", readonly = true, required = true)
    private String pluginVersion;

    /** Each execution keeps its own stamps: one execution's files are not "gone" files to another. */
    @Parameter(defaultValue = "${mojoExecution.executionId}", readonly = true, required = true)
    private String executionId;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("netc: skipped");
            return;
        }
        Stamps stamps = new Stamps(stampDirectory.toPath().resolve(executionId),
                Stamps.toolTime(GenerateMojo.class, NetcCompilerCalls.compilerClass()));
        NetcBuild build = new NetcBuild(sourceDirectory.toPath(), orDefault(includes, List.of("**/*.net")),
                orDefault(excludes, List.of()), outputDirectory.toPath(), packageName, !scalar, stamps,
                pluginVersion);
        NetcBuild.Result r;
        try {
            r = build.run(getLog()::info, getLog()::warn);
        } catch (RuntimeException e) {
            AbstractMojoExecutionException m = MojoErrors.of(e);
            if (m instanceof MojoFailureException f) {
                throw f;
            }
            throw (MojoExecutionException) m;
        }
        if (!r.generated().isEmpty() || r.upToDate() > 0) {
            getLog().info("netc: " + r.generated().size() + " generated, " + r.upToDate() + " up to date");
        }
        project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
    }

    private static List<String> orDefault(List<String> list, List<String> fallback) {
        return list == null || list.isEmpty() ? fallback : list;
    }
}
