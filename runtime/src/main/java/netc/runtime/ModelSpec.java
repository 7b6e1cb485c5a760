package netc.runtime;

import java.util.Arrays;
import java.util.List;

/**
 * The static description of a compiled network, as the generated class reports it.
 *
 * @param name        the name after {@code network} in the {@code .net} file
 * @param sourceFile  the {@code .net} file's name (no directory), for messages
 * @param inputName   the name of the input
 * @param inputShape  per-sample shape of the input
 * @param outputName  the name of the binding the network outputs (e.g. {@code p})
 * @param outputShape per-sample shape of the output
 * @param targetKind  class labels or real values
 * @param targetSize  number of classes, or length of the real-valued target vector
 * @param loss        the loss function's name as written ({@code cross_entropy}, {@code squared_error}, ...)
 * @param params      the parameters, in declaration order, packed without gaps; then the non-trainable state (batch
 *                    norms' running statistics, {@link ParamSpec#isState()}), saved and loaded with them
 */
public record ModelSpec(String name, String sourceFile, String inputName, int[] inputShape, String outputName,
                        int[] outputShape, TargetKind targetKind, int targetSize, String loss,
                        List<ParamSpec> params) {

    /** Copies the arrays and the list, and checks that the parameters are packed without gaps. */
    public ModelSpec {
        inputShape = inputShape.clone();
        outputShape = outputShape.clone();
        params = List.copyOf(params);
        int expected = 0;
        for (ParamSpec p : params) {
            if (p.offset() != expected) {
                throw new IllegalArgumentException("parameter " + p.name() + " at offset " + p.offset()
                        + ", expected " + expected);
            }
            expected += p.size();
        }
    }

    /** {@return a copy of the per-sample input shape} */
    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** {@return a copy of the per-sample output shape} */
    @Override
    public int[] outputShape() {
        return outputShape.clone();
    }

    /** Floats per input sample. */
    public int inputSize() {
        return product(inputShape);
    }

    /** Floats per output sample. */
    public int outputSize() {
        return product(outputShape);
    }

    /** Floats per target sample in the {@code y} array: 1 for class labels, else the vector length. */
    public int targetValues() {
        return targetKind == TargetKind.CLASSES ? 1 : targetSize;
    }

    /** Length of the parameter vector. */
    public int paramCount() {
        int n = 0;
        for (ParamSpec p : params) {
            n += p.size();
        }
        return n;
    }

    /** The parameter with this name, or null. */
    public ParamSpec param(String paramName) {
        for (ParamSpec p : params) {
            if (p.name().equals(paramName)) {
                return p;
            }
        }
        return null;
    }

    private static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && m.name.equals(name) && Arrays.equals(m.inputShape, inputShape)
                && Arrays.equals(m.outputShape, outputShape) && m.params.equals(params)
                && m.targetKind == targetKind && m.targetSize == targetSize && m.loss.equals(loss);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + params.hashCode();
    }
}
