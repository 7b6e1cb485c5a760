package netc.bench;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Training throughput of two builds of netc, in one JVM, alternately: the way to tell a 5% change in the runtime or
 * the emitted classes on a host whose speed moves by 10-40% from one second to the next (two vCPUs that the host
 * places on one core complex or on two; see benchmarks/results/2026-12-03-chunk-affinity.md). Each build compiles
 * the network with its own compiler, in its own class loader ({@link BuildLoader}), and trains it on its own copy
 * of the data with plain SGD (learning rate 0.01), the optimizer on the network's threads as {@code netc train}
 * runs it. Rounds of about {@code --seconds} per build, A then B in odd rounds and B then A in even ones; each window
 * opens a fresh pool and closes it after, so that an idle pool of one build never runs beside the other build.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.StepAB
 *      OLD.jar NEW.jar NET [--batch 128] [--threads 2] [--rounds 15] [--seconds 0.3] [--data DIR] [--forward]
 *      [--prepared]
 * </pre>
 *
 * {@code --forward} times inference instead: {@code forward} over batches of the training images, no update; with
 * {@code --prepared} too, {@code forwardPrepared} on the parameters laid out once by {@code prepareForInference}, as
 * {@code Predictor} runs it. Each batch is copied into the input array first, as a service fills its buffer.
 */
public final class StepAB {

    private StepAB() {
    }

    /**
     * Runs in each build's class loader, on that build's compiler and runtime; only JDK types cross the border. It
     * spells out the step of {@link TrainThroughput.Stepper} with public API alone: defined in another loader it
     * cannot reach that package-private class, and older builds' Stepper has another constructor.
     */
    public static final class Trainer {
        private final netc.runtime.Network net;
        private final netc.runtime.data.Dataset train;
        private final int batch;
        private final int threads;
        private final float[] params;
        private final float[] grad;
        private final float[] x;
        private final float[] y;
        /** SGD as the Trainer steps it (StepUpdate: since 2026-12-04 cut over the threads tensor by tensor). */
        private final netc.runtime.train.StepUpdate update;
        private final boolean forward;
        /** The parameters laid out for inference, or null to run {@code forward} on the declared ones. */
        private final float[] prepared;
        private final float[] out;
        private int cursor;
        private double loss;

        public Trainer(String netFile, String dataDir, int batch, int threads, boolean forward) {
            this(netFile, dataDir, batch, threads, forward, false);
        }

        public Trainer(String netFile, String dataDir, int batch, int threads, boolean forward, boolean prepared) {
            netc.compiler.internal.driver.Compilation compilation = netc.compiler.internal.driver.NetCompiler.compile(
                    netc.compiler.internal.driver.NetCompiler.read(Path.of(netFile)),
                    netc.compiler.internal.driver.NetCompiler.Options.defaults().withVector(true));
            net = netc.compiler.internal.driver.Compilation.instantiate(compilation.loadClass().type());
            train = netc.runtime.data.FashionMnist.load(Path.of(dataDir)).train();
            this.batch = batch;
            this.threads = threads;
            params = netc.runtime.train.Initializer.initialize(net.spec(), 0);
            grad = new float[params.length];
            x = new float[batch * train.inputSize()];
            y = new float[batch * train.targetValues()];
            this.forward = forward;
            out = new float[batch * net.spec().outputSize()];
            this.prepared = prepared ? net.prepareForInference(params) : null;
            update = new netc.runtime.train.StepUpdate(net.spec(), new netc.runtime.train.Sgd(0.01),
                    netc.runtime.train.LearningRateSchedule.CONSTANT, 0, 0, 0);
        }

        /** Trains for about {@code seconds} on a fresh pool after 3 untimed steps; returns samples per second. */
        public double run(double seconds) {
            try (netc.runtime.Parallel pool = netc.runtime.Parallel.threads(threads)) {
                net.setParallel(pool);
                for (int i = 0; i < 3; i++) {
                    step(pool);
                }
                long steps = 0;
                long t0 = System.nanoTime();
                long end = t0 + (long) (seconds * 1e9);
                long now;
                do {
                    step(pool);
                    steps++;
                    now = System.nanoTime();
                } while (now < end);
                return steps * (double) batch / ((now - t0) / 1e9);
            } finally {
                net.setParallel(netc.runtime.Parallel.serial());
            }
        }

        public double loss() {
            return loss;
        }

        private void step(netc.runtime.Parallel pool) {
            int batches = train.n() / batch;
            int i = cursor;
            cursor = (i + 1) % batches;
            System.arraycopy(train.x(), i * batch * train.inputSize(), x, 0, x.length);
            System.arraycopy(train.y(), i * batch * train.targetValues(), y, 0, y.length);
            if (forward && prepared != null) {
                net.forwardPrepared(prepared, x, batch, out);
                loss = out[0];
                return;
            }
            if (forward) {
                net.forward(params, x, batch, out);
                loss = out[0];
                return;
            }
            loss = net.lossAndGradient(params, x, y, batch, grad, null);
            update.apply(params, grad, 0, 1, pool);
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length < 3) {
            System.err.println("usage: StepAB OLD.jar NEW.jar NET [--batch 128] [--threads 2] [--rounds 15]"
                    + " [--seconds 0.3] [--data DIR] [--forward] [--prepared]");
            System.exit(2);
        }
        int batch = 128;
        int threads = 2;
        int rounds = 15;
        double seconds = 0.3;
        String data = TrainThroughput.DEFAULT_DATA;
        boolean forward = false;
        boolean prepared = false;
        for (int i = 3; i < argv.length; i++) {
            switch (argv[i]) {
                case "--batch" -> batch = Integer.parseInt(argv[++i]);
                case "--threads" -> threads = Integer.parseInt(argv[++i]);
                case "--rounds" -> rounds = Integer.parseInt(argv[++i]);
                case "--seconds" -> seconds = Double.parseDouble(argv[++i]);
                case "--data" -> data = argv[++i];
                case "--forward" -> forward = true;
                case "--prepared" -> prepared = true;
                default -> throw new IllegalArgumentException("unknown argument " + argv[i]);
            }
        }
        System.out.println("before: " + CorePlacement.describe(20));
        Object[] trainers = new Object[2];
        Method[] run = new Method[2];
        for (int i = 0; i < 2; i++) {
            Class<?> type = new BuildLoader(Path.of(argv[i]), Trainer.class).loadClass(Trainer.class.getName());
            trainers[i] = type.getConstructor(String.class, String.class, int.class, int.class, boolean.class,
                    boolean.class).newInstance(argv[2], data, batch, threads, forward, prepared);
            run[i] = type.getMethod("run", double.class);
        }
        for (int i = 0; i < 2; i++) {
            run[i].invoke(trainers[i], 3.0);
        }
        double[][] rate = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < 2; j++) {
                int i = round % 2 == 0 ? j : 1 - j;
                rate[i][round] = (double) run[i].invoke(trainers[i], seconds);
            }
        }
        double[] ratio = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            ratio[round] = rate[1][round] / rate[0][round];
        }
        String what = forward ? (prepared ? "forwardPrepared" : "forward") : "training step";
        System.out.printf(Locale.ROOT, "%s, %s, batch %d, %d thread(s), %d rounds of ~%.2f s per build%n", argv[2],
                what, batch, threads, rounds, seconds);
        for (int i = 0; i < 2; i++) {
            double[] r = rate[i].clone();
            Arrays.sort(r);
            double loss = (double) trainers[i].getClass().getMethod("loss").invoke(trainers[i]);
            System.out.printf(Locale.ROOT, "%s %s: %,.0f samples/s [%,.0f-%,.0f] (median), last %s %.4f%n",
                    i == 0 ? "A" : "B", argv[i], r[rounds / 2], r[0], r[rounds - 1], forward ? "output[0]" : "loss",
                    loss);
        }
        System.out.println("after: " + CorePlacement.describe(20));
        Arrays.sort(ratio);
        System.out.printf(Locale.ROOT, "B/A %.3f [%.3f-%.3f] (median of the rounds' ratios)%n", ratio[rounds / 2],
                ratio[0], ratio[rounds - 1]);
    }
}
