package netc.compiler.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.TinyMlp;
import netc.compiler.internal.source.SourceFile;
import org.junit.jupiter.api.Test;

/** Fusion decisions on the training programs of a two-layer MLP and of two convolutions, pinned as text. */
class ScheduleTest {

    private static Graph mlp() {
        return Differentiate.run(TinyMlp.graph("mlp", "mlp.net", 7, 9, 5));
    }

    @Test
    void biasAndActivationAreFusedIntoTheProductsInBothDirections() {
        Graph diff = mlp();
        String expected = String.join("\n",
                "program train",
                "  gemm         %7 = relu(add(mat_vec(%1, %0), %2))          -> scratch [9]xB",
                "  gemm         %9 = add(mat_vec(%3, %7), %4)                -> scratch [5]xB",
                "  row          %10 = softmax(%9)                            -> scratch [5]xB",
                "  row          %12 = softmax_cross_entropy(%9, %11)         -> loss_rows []",
                "  row          %14 = softmax_cross_entropy_grad(%9, %11)    -> scratch [5]xB",
                "  row          %15 = sum_batch(%14)                         -> grads@117 [5]",
                "  gemm         %16 = outer_sum(%14, %7)                     -> grads@72 [5, 9]",
                "  gemm         %19 = mul(mat_t_vec(%3, %14), step(%7))      -> scratch [9]xB",
                "  row          %20 = sum_batch(%19)                         -> grads@63 [9]",
                "  gemm         %21 = outer_sum(%19, %0)                     -> grads@0 [9, 7]",
                "");
        assertEquals(expected, ProgramPrinter.print("train", Schedule.build(diff, diff.trainingRoles())));
    }

    @Test
    void inferenceProgramStoresOnlyWhatTheNextProductReads() {
        String expected = String.join("\n",
                "program forward",
                "  gemm         %7 = relu(add(mat_vec(%1, %0), %2))          -> scratch [9]xB",
                "  gemm         %9 = add(mat_vec(%3, %7), %4)                -> scratch [5]xB",
                "  row          %10 = softmax(%9)                            -> scratch [5]xB",
                "");
        assertEquals(expected, ProgramPrinter.print("forward", Schedule.build(mlp(), List.of(Graph.OUTPUT))));
    }

    /**
     * Two convolutions on {@code side} x {@code side} images: the second one's input gradient needs a patch gradient
     * and its col2im, the first's not; the first one's patch rows (1 x 3 x 3) are shorter than
     * {@link Schedule#SHORT_REDUCTION}, the second's (4 x 3 x 3) not.
     */
    private static Graph convolutions(int side) {
        String text = String.join("\n",
                "network convs",
                "input x[1, " + side + ", " + side + "]",
                "target y : class[3]",
                "param K1[4, 1, 3, 3]",
                "param K2[4, 4, 3, 3]",
                "param W[3, " + 4 * side * side + "]",
                "h1 = relu(conv2d(x, K1, pad=1))",
                "h2 = relu(conv2d(h1, K2, pad=1))",
                "p = softmax(W flatten(h2))",
                "loss = cross_entropy(p, y)",
                "");
        return Differentiate.run(Frontend.analyze(new SourceFile("convs.net", text)).graph());
    }

    @Test
    void convolutionStepsRunOneSampleAtATime() {
        Graph diff = convolutions(8);
        String expected = String.join("\n",
                "program train",
                "  row          %5 = im2col(%0)                              -> scratch [9, 8, 8]xB",
                "  gemm         %7 = relu(mat_vec(%2, %5))                   -> scratch [4, 8, 8]xB",
                "  row          %9 = kernel_channels_last(%3)                -> scratch [4, 3, 3, 4]",
                "  im2col+gemm  %11 = relu(mat_vec(%9, %8))                  -> scratch [4, 8, 8]xB, a sample at a"
                        + " time from %8 = im2col(%7) -> per_thread [36, 8, 8]",
                "  elementwise  %12 = flatten(%11)                           -> scratch [256]xB",
                "  gemm         %13 = mat_vec(%4, %12)                       -> scratch [3]xB",
                "  row          %14 = softmax(%13)                           -> scratch [3]xB",
                "  row          %15 = softmax_cross_entropy(%13, %1)         -> loss_rows []",
                "  row          %17 = softmax_cross_entropy_grad(%13, %1)    -> scratch [3]xB",
                "  gemm         %18 = outer_sum(%17, %12)                    -> grads@180 [3, 256]",
                "  gemm         %19 = mat_t_vec(%4, %17)                     -> scratch [256]xB",
                "  elementwise  %22 = mul(unflatten(%19), step(%11))         -> scratch [4, 8, 8]xB",
                "  im2col+gemm-tn %23 = outer_sum(%22, %8)                   -> scratch [4, 3, 3, 4], a sample at a"
                        + " time from %8 = im2col(%7) -> per_thread [36, 8, 8]",
                "  row          %25 = kernel_channels_first(%23)             -> grads@36 [4, 4, 3, 3]",
                "  gemm+col2im  %26 = col2im(%24)                            -> scratch [4, 8, 8]xB, a sample at a time"
                        + " from %24 = mat_t_vec(%9, %22) -> per_thread [36, 8, 8]",
                "  elementwise  %28 = mul(%26, step(%7))                     -> scratch [4, 8, 8]xB",
                "  gemm         %29 = outer_sum(%28, %5)                     -> grads@0 [4, 1, 3, 3]",
                "");
        assertEquals(expected, ProgramPrinter.print("train", Schedule.build(diff, diff.trainingRoles())));
        // the second convolution's patches are never stored: the forward product and the kernel gradient each build
        // them a sample at a time; the first convolution's patch rows are too short, so its patches are stored
        String forward = ProgramPrinter.print("forward", Schedule.build(diff, List.of(Graph.OUTPUT)));
        assertTrue(forward.contains("  row          %5 = im2col(%0) ") && forward.contains("  im2col+gemm  %10 ="
                + " mat_vec(%9, %8)                        -> scratch [4, 8, 8]xB, a sample at a time from %8 ="
                + " im2col(%7) -> per_thread [36, 8, 8]\n") && !forward.contains("  row          %8 = im2col"),
                forward);
        String separate = ProgramPrinter.print("train", Schedule.build(diff, diff.trainingRoles(), false));
        assertTrue(separate.contains("  gemm         %24 = mat_t_vec(%9, %22)                     -> scratch"
                + " [36, 8, 8]xB\n") && separate.contains("  row          %26 = col2im(%24)                     "
                + "       -> scratch [4, 8, 8]xB\n") && !separate.contains("a sample at a time"), separate);
        // below Schedule.MIN_SAMPLE_ROWS pixels (7 x 7) a sample's rows are too few to stream the kernel matrix for
        Graph small = convolutions(7);
        for (List<String> roles : List.of(small.trainingRoles(), List.of(Graph.OUTPUT))) {
            String program = ProgramPrinter.print("small", Schedule.build(small, roles));
            assertTrue(program.contains("im2col(") && !program.contains("a sample at a time"), program);
        }
        String separateForward = ProgramPrinter.print("forward", Schedule.build(diff, List.of(Graph.OUTPUT), false));
        assertTrue(separateForward.contains("  row          %8 = im2col(%7)                              -> scratch"
                + " [36, 8, 8]xB\n") && !separateForward.contains("a sample at a time"), separateForward);
    }
}
