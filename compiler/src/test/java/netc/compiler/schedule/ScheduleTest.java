package netc.compiler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import netc.compiler.autodiff.Differentiate;
import netc.compiler.ir.Graph;
import netc.compiler.ir.GraphBuilder;
import netc.compiler.ir.Node;
import netc.compiler.ir.Op;
import netc.compiler.ir.Shape;
import netc.compiler.source.Span;
import org.junit.jupiter.api.Test;

/** Fusion decisions on the training program of a two-layer MLP, pinned as text. */
class ScheduleTest {

    private static Graph mlp() {
        GraphBuilder g = new GraphBuilder("mlp", "mlp.net");
        Node x = g.input("x", Shape.of(7), Span.NONE);
        Node w1 = g.param("W1", Shape.of(9, 7), Span.NONE);
        Node b1 = g.param("b1", Shape.of(9), Span.NONE);
        Node w2 = g.param("W2", Shape.of(5, 9), Span.NONE);
        Node b2 = g.param("b2", Shape.of(5), Span.NONE);
        Node h = g.op(Op.RELU, g.op(Op.ADD, g.op(Op.MAT_VEC, w1, x), b1));
        Node z = g.op(Op.ADD, g.op(Op.MAT_VEC, w2, h), b2);
        java.util.Map<String, Node> outputs = new java.util.LinkedHashMap<>();
        outputs.put(Graph.OUTPUT, g.op(Op.SOFTMAX, z));
        outputs.put(Graph.LOSS, g.op(Op.SOFTMAX_CROSS_ENTROPY, z, g.labels("y", 5, Span.NONE)));
        return Differentiate.run(g.build(outputs));
    }

    @Test
    void biasAndActivationAreFusedIntoTheProductsInBothDirections() {
        Graph diff = mlp();
        List<String> roles = new ArrayList<>(List.of(Graph.OUTPUT, Graph.LOSS));
        for (String r : diff.outputs().keySet()) {
            if (Graph.paramOfGrad(r) != null) {
                roles.add(r);
            }
        }
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
        assertEquals(expected, ProgramPrinter.print("train", Schedule.build(diff, roles)));
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
