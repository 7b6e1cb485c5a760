package netc.compiler.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.TinyMlp;
import org.junit.jupiter.api.Test;

/** Fusion decisions on the training program of a two-layer MLP, pinned as text. */
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
}
