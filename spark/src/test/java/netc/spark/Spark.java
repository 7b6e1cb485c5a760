package netc.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.spark.sql.SparkSession;

import netc.runtime.data.DataSplit;
import netc.runtime.data.FashionMnist;

/** Test helpers: a small local session, the sample MLP, the embedded Fashion-MNIST subset. */
final class Spark {

    private Spark() {
    }

    /**
     * A session on {@code master} with few shuffle partitions and no UI. Classes on the same master share one (it is
     * stopped when the JVM ends); one on another master is stopped first.
     */
    static SparkSession session(String master) {
        SparkSession current = SparkSession.getDefaultSession().getOrElse(() -> null);
        if (current != null && !current.sparkContext().isStopped()) {
            if (current.sparkContext().master().equals(master)) {
                return current;
            }
            current.stop();
        }
        return SparkSession.builder().master(master).appName("netc-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    /** The 784-512-256-10 MLP of samples/nets/mnist_mlp.net. */
    static ShippedModel mlp() {
        return new ShippedModel("mnist_mlp.net", """
                network mnist_mlp
                input  x[784]
                target y : class[10]
                param W1[512, 784] init he
                param b1[512]
                param W2[256, 512] init he
                param b2[256]
                param W3[10, 256]  init xavier
                param b3[10]
                p = softmax(W3 relu(W2 relu(W1 x + b1) + b2) + b3)
                loss = cross_entropy(p, y)
                """);
    }

    /** A small model of a different input size (4 inputs, 3 classes). */
    static ShippedModel tiny() {
        return new ShippedModel("tiny.net", """
                network tiny
                input  x[4]
                target y : class[3]
                param W[3, 4] init xavier
                param b[3]
                p = softmax(W x + b)
                loss = cross_entropy(p, y)
                """);
    }

    static DataSplit fashion() {
        return FashionMnist.loadEmbedded();
    }

    static String read(String resource) {
        try (InputStream in = Spark.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
