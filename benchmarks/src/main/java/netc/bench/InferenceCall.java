package netc.bench;

import netc.runtime.Network;

/**
 * One inference call as an inference benchmark's {@code layout} parameter asks: {@code prepared} runs
 * {@code forwardPrepared} on the parameters {@code prepareForInference} laid out once (what {@code Predictor} runs),
 * {@code declared} runs {@code forward} on the parameters as declared.
 */
final class InferenceCall {
    private final Network network;
    private final float[] weights;
    private final boolean prepared;

    private InferenceCall(Network network, float[] weights, boolean prepared) {
        this.network = network;
        this.weights = weights;
        this.prepared = prepared;
    }

    static InferenceCall of(Network network, float[] params, String layout) {
        return switch (layout) {
            case "prepared" -> new InferenceCall(network, network.prepareForInference(params), true);
            case "declared" -> new InferenceCall(network, params, false);
            default -> throw new IllegalArgumentException("layout is prepared or declared, got " + layout);
        };
    }

    void run(float[] x, int batch, float[] out) {
        if (prepared) {
            network.forwardPrepared(weights, x, batch, out);
        } else {
            network.forward(weights, x, batch, out);
        }
    }
}
