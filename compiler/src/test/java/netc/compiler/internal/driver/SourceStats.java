package netc.compiler.internal.driver;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netc.compiler.internal.emit.ClassFileMethodSizes;
import netc.compiler.internal.load.JaninoLoader;

/** Sizes of generated code that tests bound: matches in the source, the largest method in the class files. */
final class SourceStats {
    private SourceStats() {
    }

    /** How often {@code p} matches in {@code text}. */
    static int count(String text, Pattern p) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The largest method of the class and its nested classes (the vector kernels are in one). */
    static int largestMethod(JaninoLoader.Compiled compiled) {
        int largest = 0;
        for (byte[] classFile : compiled.classFiles().values()) {
            largest = Math.max(largest, ClassFileMethodSizes.largest(classFile));
        }
        return largest;
    }
}
