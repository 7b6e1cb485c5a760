package netc.runtime.train;

import static netc.runtime.train.Specs.classifier;
import static netc.runtime.train.Specs.params;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;

/**
 * A fake network for trainer tests: 2 parameters, 1 input, 2 classes. Every training call returns loss 2.31 and a
 * gradient of ones, except that call number {@link #badCall} (1-based, counted over all epochs) returns
 * {@link #badLoss} and {@link #badGradient}. It records each call's batch size, inputs and the pool it was given.
 */
final class ScriptedNetwork implements Network {

    static final double LOSS = 2.31;

    private final ModelSpec spec = classifier("fake", 1, 2, params("w", new int[] {2}, Init.ZEROS));
    int badCall = -1;
    double badLoss = LOSS;
    float badGradient = 1f;
    int calls;
    final List<Integer> batchSizes = new ArrayList<>();
    final List<Float> inputsSeen = new ArrayList<>();
    final List<Integer> arrayLengths = new ArrayList<>();
    int threadsDuringTraining;
    /** The threads of the pool each training call ran on, in order. */
    final List<Integer> threadsPerCall = new ArrayList<>();
    /** (seed, step) as set before each training call, "seed/step". */
    final List<String> trainingSteps = new ArrayList<>();
    private String currentStep = "unset";
    Parallel parallel = Parallel.serial();

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void setParallel(Parallel p) {
        this.parallel = p;
    }

    @Override
    public void forward(float[] params, float[] x, int batch, float[] out) {
        for (int n = 0; n < batch; n++) {
            out[2 * n] = x[n];
            out[2 * n + 1] = 0.5f;
        }
    }

    @Override
    public double lossAndGradient(float[] params, float[] x, float[] y, int batch, float[] grad, float[] out) {
        calls++;
        trainingSteps.add(currentStep);
        threadsDuringTraining = parallel.threads();
        threadsPerCall.add(parallel.threads());
        batchSizes.add(batch);
        arrayLengths.add(x.length);
        for (int n = 0; n < batch; n++) {
            inputsSeen.add(x[n]);
        }
        boolean bad = calls == badCall;
        Arrays.fill(grad, bad ? badGradient : 1f);
        return bad ? badLoss : LOSS;
    }

    @Override
    public void setTrainingStep(long seed, long step) {
        currentStep = seed + "/" + step;
    }

    @Override
    public double loss(float[] params, float[] x, float[] y, int batch) {
        return 0.5;
    }
}
