package netc.maven;

import netc.api.ModelException;
import netc.runtime.InputException;
import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * Maven's two kinds of failure for netc's: a mistake in a {@code .net} file or its settings fails the build with
 * the compiler's message ({@code file:line:col: error: ...}) and no cause, so Maven prints no stack trace without
 * {@code -e}, as does a file the system refuses to list or create; anything else is a bug in netc, reported with
 * its cause.
 */
final class MojoErrors {
    private MojoErrors() {
    }

    static AbstractMojoExecutionException of(RuntimeException e) {
        if (e instanceof ModelException || e instanceof InputException) {
            return new MojoFailureException(e.getMessage());
        }
        if (e instanceof java.io.UncheckedIOException io) {
            // The file system refused (a directory that cannot be listed or created): the user's to fix.
            return new MojoFailureException("netc: error: " + io.getMessage() + ": " + io.getCause().getMessage());
        }
        return new MojoExecutionException("netc: internal error (please report it): " + e, e);
    }
}
