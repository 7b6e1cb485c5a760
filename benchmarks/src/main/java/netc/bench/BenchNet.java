package netc.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.runtime.Network;
import netc.runtime.data.Dataset;
import netc.runtime.data.FashionMnist;
import netc.runtime.train.Initializer;
import netc.runtime.train.Momentum;
import netc.runtime.train.Optimizer;
import netc.runtime.train.Sgd;

/**
 * The networks the JMH benchmarks and issue #9's table measure, by short name, compiled in-process (vector kernels
 * when the JVM has {@code jdk.incubator.vector}, as {@code netc train} does). Paths are relative to the checkout's
 * root, where the benchmarks run. The optimizers are those of the PyTorch peers in {@code benchmarks/peers/}: plain
 * SGD lr 0.1 for the MLPs, SGD lr 0.01 momentum 0.9 for the convnet.
 */
final class BenchNet {
    /** Short name to .net file. */
    static final Map<String, String> FILES = Map.of(
            "mlp", "samples/nets/mnist_mlp.net",
            "mlp2048", "benchmarks/nets/mnist_mlp_2048.net",
            "convnet", "samples/nets/convnet.net",
            "xor", "samples/nets/xor.net",
            "logreg", "samples/nets/logistic_regression.net");

    final String name;
    final Network network;
    final Class<?> type;
    /** The compilation the class came from (its graph and emit options, to emit variants of it). */
    final Compilation compilation;
    final float[] params;
    /** 2 x the multiply-adds of one sample's forward pass ({@link TrainThroughput#forwardMacs}). */
    final long forwardFlop;

    private BenchNet(String name, Compilation compilation, Class<?> type, long forwardFlop) {
        this.compilation = compilation;
        this.name = name;
        this.type = type;
        this.network = Compilation.instantiate(type);
        this.params = Initializer.initialize(network.spec(), 0);
        this.forwardFlop = forwardFlop;
    }

    /** Compiles the named network (see {@link #FILES}). */
    static BenchNet compile(String name) {
        String file = FILES.get(name);
        if (file == null) {
            throw new IllegalArgumentException("unknown network " + name + ", expected one of " + FILES.keySet());
        }
        Compilation c = NetCompiler.compile(NetCompiler.read(Path.of(file)), NetCompiler.Options.defaults());
        return new BenchNet(name, c, c.loadClass().type(), 2 * TrainThroughput.forwardMacs(c.model().graph()));
    }

    /** 2 x the forward multiply-adds of one sample of the named network, without loading its class. */
    static long forwardFlop(String name) {
        Compilation c = NetCompiler.compile(NetCompiler.read(Path.of(FILES.get(name))), NetCompiler.Options.defaults());
        return 2 * TrainThroughput.forwardMacs(c.model().graph());
    }

    /** The optimizer the PyTorch peer uses for this network. */
    Optimizer optimizer() {
        return name.equals("convnet") ? new Momentum(0.01, 0.9) : new Sgd(0.1);
    }

    /**
     * Training data: the full Fashion-MNIST from {@link TrainThroughput#DEFAULT_DATA} if it is installed (what the
     * PyTorch peers read), else the embedded subset; random inputs for the tiny nets (only their timing matters).
     */
    Dataset trainingData() {
        int in = network.spec().inputSize();
        if (in == FashionMnist.SIDE * FashionMnist.SIDE) {
            Path full = Path.of(TrainThroughput.DEFAULT_DATA);
            return (Files.isDirectory(full) ? FashionMnist.load(full) : FashionMnist.loadEmbedded()).train();
        }
        int n = 256;
        int tv = network.spec().targetValues();
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[n * in];
        float[] y = new float[n * tv];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(2);
        }
        return Dataset.ofValues(name, x, y, in, tv);
    }
}
