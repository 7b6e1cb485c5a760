package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.emit.ClassFileMethodSizes;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.interp.Interpreter;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.Network;
import org.junit.jupiter.api.Test;

/**
 * Networks deep in bindings or layers compile to a class the JVM accepts and JIT-compiles, and compute what the
 * interpreter computes: long chains are cut into fused expressions of bounded depth, thousands of buffers are
 * allocated by helper methods, and the layers of a deep MLP share their kernel methods.
 */
class DeepNetworksTest {
    /** {@code h1 = relu(h0)}, ..., {@code hN = relu(hN-1)} after a 4 x 4 matrix. */
    private static String chain(int bindings) {
        StringBuilder sb = new StringBuilder("network chain\ninput x[4]\ntarget y : class[4]\nparam W[4, 4] init he\n"
                + "h0 = W x\n");
        for (int i = 1; i <= bindings; i++) {
            sb.append('h').append(i).append(" = relu(h").append(i - 1).append(")\n");
        }
        return sb.append("p = softmax(h").append(bindings).append(")\nloss = cross_entropy(p, y)\n").toString();
    }

    /** {@code layers} dense layers of width 4. */
    private static String mlp(int layers) {
        StringBuilder sb = new StringBuilder("network deep\ninput x[4]\ntarget y : class[4]\n");
        for (int i = 1; i <= layers; i++) {
            sb.append("param W").append(i).append("[4, 4] init he\nparam b").append(i).append("[4]\n");
        }
        sb.append("h0 = x\n");
        for (int i = 1; i <= layers; i++) {
            sb.append('h').append(i).append(" = relu(W").append(i).append(" h").append(i - 1).append(" + b")
                    .append(i).append(")\n");
        }
        return sb.append("p = softmax(h").append(layers).append(")\nloss = cross_entropy(p, y)\n").toString();
    }

    @Test
    void aThousandBindingChainCompilesAndMatchesTheInterpreter() {
        // was a StackOverflowError in the emitter: the chain fused into one expression 1,000 calls deep
        Compilation c = SmallStack.run(() -> NetCompiler.compile(new SourceFile("chain.net", chain(1000)),
                NetCompiler.Options.defaults().withClassName("Chain")));
        JaninoLoader.Compiled compiled = c.loadClass();
        int largest = SourceStats.largestMethod(compiled);
        assertTrue(largest < ClassFileMethodSizes.HUGE_METHOD_LIMIT, "largest method " + largest + ": "
                + compiled.classFiles().keySet());
        assertMatchesInterpreter(c, Compilation.instantiate(compiled.type()), "W");
    }

    @Test
    void theLayersOfADeepMlpShareTheirKernelMethods() {
        Compilation c = NetCompiler.compile(new SourceFile("deep.net", mlp(100)),
                NetCompiler.Options.defaults().withClassName("Deep"));
        // was one copy of each matrix kernel per layer, their epilogues differing only in where b_i starts
        int kernels = SourceStats.count(c.javaSource(),
                Pattern.compile("\\n {4}static void (gemm\\d+|elementwise\\d+)(v\\d+)?\\("));
        assertTrue(kernels < 12, "kernel methods for 100 layers: " + kernels);
        JaninoLoader.Compiled compiled = c.loadClass();
        assertTrue(SourceStats.largestMethod(compiled) < ClassFileMethodSizes.HUGE_METHOD_LIMIT);
        assertMatchesInterpreter(c, Compilation.instantiate(compiled.type()), "W1");
    }

    /** The loss and the gradient of {@code param} on a random batch, float32 class against float64 interpreter. */
    private static void assertMatchesInterpreter(Compilation c, Network net, String param) {
        int batch = 3;
        SplittableRandom rng = new SplittableRandom(1);
        float[] w = new float[net.spec().paramCount()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextDouble() * 1.2 - 0.2);
        }
        float[] x = new float[batch * net.spec().inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        float[] y = {0, 2, 3};
        float[] grad = new float[w.length];
        double loss = net.lossAndGradient(w, x, y, batch, grad, null);

        Interpreter in = new Interpreter(Differentiate.run(c.model().graph()), batch);
        int offset = 0;
        int paramOffset = -1;
        for (CheckedModel.Param p : c.model().params()) {
            double[] v = new double[p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = w[offset + i];
            }
            in.bind(p.name(), v);
            paramOffset = p.name().equals(param) ? offset : paramOffset;
            offset += p.size();
        }
        double[] xs = new double[x.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = x[i];
        }
        in.bind("x", xs).bind("y", new double[] {0, 2, 3});
        double expected = in.output(Graph.LOSS)[0];
        assertEquals(expected, loss, 1e-4 * Math.max(1, Math.abs(expected)));
        double[] dw = in.output(Graph.gradName(param));
        double scale = 0;
        for (double d : dw) {
            scale = Math.max(scale, Math.abs(d));
        }
        assertTrue(scale > 0, "the gradient of " + param + " is not all zero");
        for (int i = 0; i < dw.length; i++) {
            assertEquals(dw[i], grad[paramOffset + i], 1e-3 * scale, "d" + param + "[" + i + "]");
        }
    }
}
