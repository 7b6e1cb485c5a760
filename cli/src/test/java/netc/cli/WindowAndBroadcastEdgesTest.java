package netc.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models from issue #7's hostile review that ended in an internal error (exit 3): a convolution whose pad exceeds
 * its kernel (whole windows in the padding), a pad so large the output size overflowed, and a shared image times a
 * shared per-channel parameter (whose adjoint sums over the pixels of one image).
 */
class WindowAndBroadcastEdgesTest {
    @TempDir
    Path dir;

    @Test
    void trainsAConvolutionWhosePadIsLargerThanItsKernel() {
        Path net = Cli.write(dir.resolve("padbig.net"), """
                network padbig
                input x[1, 3, 3]
                target y : class[2]
                param K[1, 1, 2, 2] init he
                param W[2, 64]
                param b[2]
                p = softmax(W flatten(conv2d(x, K, pad=3)) + b)
                loss = cross_entropy(p, y)
                """);
        Path csv = Cli.write(dir.resolve("d9.csv"), """
                0,1,2,3,4,5,6,7,8,9
                1,9,8,7,6,5,4,3,2,1
                0,0.5,0,1,0,1,0,1,0,1
                1,1,0,1,0,1,0,1,0,0.5
                0,2,2,2,2,2,2,2,2,2
                """);
        Cli.run("train", net, "--data", csv, "--epochs", "1", "--threads", "1").assertSuccess()
                .assertOutContains("\nepoch 1/1  train loss ");
    }

    @Test
    void checkRejectsAPadTooLargeForTheImageAtTheCall() {
        Path net = Cli.write(dir.resolve("hugepad.net"), """
                network hugepad
                input x[2, 4, 4]
                target t : real[2]
                param K[2, 2, 3, 3]
                h = conv2d(x, K, pad=100000)
                param W[2, 2]
                y = W h
                loss = squared_error(y, t)
                """);
        Cli.run("check", net).assertUserErrorStartingWith(net + ":5:5: error: the pad 100000 of conv2d is too large "
                + "for x, which is [2, 4, 4]: it would give 200002x200002 positions of 18 values each, more than the "
                + "2147483647 a value can hold per sample\n");
    }

    @Test
    void checkStatesTheLimitOnAPad() {
        Path net = Cli.write(dir.resolve("maxpad.net"), """
                network maxpad
                input x[2, 4, 4]
                target t : real[2]
                param K[2, 2, 3, 3]
                h = conv2d(x, K, pad=1073741823)
                y = flatten(h)
                loss = squared_error(y, t)
                """);
        Cli.run("check", net).assertUserErrorStartingWith(net
                + ":5:22: error: the pad of conv2d must be at most 1000000, got 1073741823\n");
    }

    @Test
    void gradcheckPassesOnASharedImageTimesASharedPerChannelParameter() {
        Path net = Cli.write(dir.resolve("p5.net"), """
                network p5
                input x[4]
                target t : real[2]
                param P[2, 1, 2]
                param c[2]
                param W[2, 4]
                o = W (x + flatten(P * c))
                loss = squared_error(o, t)
                """);
        Cli.run("gradcheck", net).assertSuccess().assertOutContains("\ngradient check passed: ");
    }
}
