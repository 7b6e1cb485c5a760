package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code netc grad}: gradients as formulas. */
class GradCommandTest {
    @Test
    void printsTheGradientOfEveryXorParameterAsFormulas() {
        Cli r = Cli.run("grad", sample("xor.net")).assertSuccess();
        assertEquals("""
                h = tanh(W1 x + b1)
                t10 = W2 h + b2
                t14 = (sigmoid(t10) - t) / B
                t20 = W2^T t14 * (1 - h * h)
                dW1 = sum_batch(t20 x^T)
                db1 = sum_batch(t20)
                dW2 = sum_batch(t14 h^T)
                db2 = sum_batch(t14)
                """, r.out());
    }

    @Test
    void softmaxCrossEntropyGradientIsSoftmaxMinusTarget() {
        Cli r = Cli.run("grad", sample("softmax_regression.net")).assertSuccess();
        assertEquals("""
                t5 = W x + b
                t9 = (softmax(t5) - onehot(y)) / B
                dW = sum_batch(t9 x^T)
                db = sum_batch(t9)
                """, r.out());
    }
}
