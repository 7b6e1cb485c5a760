package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.interp.Interpreter;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.TinyMlp;
import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import org.codehaus.janino.SimpleCompiler;
import org.junit.jupiter.api.Test;

/** A generated network class agrees with the float64 interpreter on outputs, loss and every gradient. */
class GeneratedNetworkTest {

    static Graph mlp() {
        return TinyMlp.graph("tiny_mlp", "tiny.net", 7, 9, 5);
    }

    static Network compile(String source, String className) throws Exception {
        SimpleCompiler c = new SimpleCompiler();
        c.setParentClassLoader(GeneratedNetworkTest.class.getClassLoader());
        c.cook(className + ".java", source);
        return (Network) c.getClassLoader().loadClass("gen." + className).getDeclaredConstructor().newInstance();
    }

    @Test
    void tinyMlpMatchesTheInterpreter() throws Exception {
        Graph diff = Differentiate.run(mlp());
        ModelSpec spec = ModelSpecs.of(diff, "p", "cross_entropy", Map.of("W1", Init.HE, "W2", Init.XAVIER));
        String source = ClassEmitter.emit(diff, spec, new EmitOptions("gen", "TinyMlp", false));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/TinyMlp.java"), source);
        Network net = compile(source, "TinyMlp");
        int batch = 6;
        SplittableRandom rng = new SplittableRandom(3);
        float[] w = new float[spec.paramCount()];
        float[] x = new float[batch * 7];
        float[] y = new float[batch];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextDouble() - 0.5);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < batch; i++) {
            y[i] = rng.nextInt(5);
        }
        float[] grad = new float[w.length];
        float[] out = new float[batch * 5];
        double loss = net.lossAndGradient(w, x, y, batch, grad, out);

        Interpreter in = new Interpreter(diff, batch);
        int off = 0;
        for (var p : spec.params()) {
            double[] v = new double[p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = w[off + i];
            }
            in.bind(p.name(), v);
            off += p.size();
        }
        in.bind("x", toDouble(x)).bind("y", toDouble(y));
        double[][] values = in.run();
        assertEquals(values[diff.output(Graph.LOSS).id()][0], loss, 1e-5);
        double[] refOut = values[diff.output(Graph.OUTPUT).id()];
        for (int i = 0; i < out.length; i++) {
            assertEquals(refOut[i], out[i], 1e-5, "output " + i);
        }
        for (var p : spec.params()) {
            double[] ref = values[diff.output(Graph.gradName(p.name())).id()];
            for (int i = 0; i < p.size(); i++) {
                assertEquals(ref[i], grad[p.offset() + i], 1e-5, p.name() + "[" + i + "]");
            }
        }
        float[] out2 = new float[batch * 5];
        net.forward(w, x, batch, out2);
        assertTrue(java.util.Arrays.equals(out, out2), "forward agrees with lossAndGradient's output");
        assertEquals(loss, net.loss(w, x, y, batch), 0.0);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
