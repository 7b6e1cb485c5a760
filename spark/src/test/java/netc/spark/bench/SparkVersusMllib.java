package netc.spark.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import netc.runtime.data.DataSplit;
import netc.runtime.data.FashionMnist;
import netc.runtime.train.EpochReport;
import netc.runtime.train.ProgressListener;
import netc.spark.Frames;
import netc.spark.OptimizerChoice;
import netc.spark.ShippedModel;
import netc.spark.SparkTrainer;

/**
 * Time to test accuracy 0.88 on Fashion-MNIST, 784-512-256-10 MLP, same cached DataFrames, same {@code local[2]}:
 * netc-spark (local SGD) against MLlib's MultilayerPerceptronClassifier (L-BFGS, its default, and GD). MLlib has no
 * per-iteration callback, so it is trained in chunks of iterations, each chunk starting from the weights the last one
 * left ({@code setInitialWeights}), and the test set is scored between chunks, off the clock. Not a test: run by hand
 * (see README "More than one machine"). Arguments: IDX directory, MLlib cap in seconds per solver.
 */
public final class SparkVersusMllib {
    static final double TARGET = 0.88;

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        double capSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 600;
        String only = args.length > 2 ? args[2] : "all";
        SparkSession spark = SparkSession.builder().master("local[2]").appName("netc-spark-vs-mllib")
                .config("spark.ui.enabled", "false").config("spark.driver.memory", "6g")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        DataSplit data = FashionMnist.load(dir);
        Dataset<Row> train = Frames.of(spark, data.train()).repartition(2).cache();
        Dataset<Row> test = Frames.of(spark, data.test()).repartition(2).cache();
        Dataset<Row> mlTrain = vectors(train).cache();
        Dataset<Row> mlTest = vectors(test).cache();
        System.out.printf(Locale.ROOT, "data: %d training, %d test rows, %d partitions; cached%n", train.count(),
                test.count(), train.rdd().getNumPartitions());
        mlTrain.count();
        mlTest.count();
        if (only.equals("all") || only.equals("netc")) {
            netc(train, test);
        }
        if (only.equals("all") || only.equals("lbfgs")) {
            mllib(mlTrain, mlTest, "l-bfgs", 0, 10, capSeconds);
        }
        if (only.equals("all") || only.equals("gd")) {
            double step = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
            mllib(mlTrain, mlTest, "gd", step, 50, capSeconds);
        }
        spark.stop();
    }

    private static Dataset<Row> vectors(Dataset<Row> frame) {
        return frame.select(org.apache.spark.ml.functions.array_to_vector(functions.col("features")).as("features"),
                functions.col("label").cast("double").as("label"));
    }

    private static void netc(Dataset<Row> train, Dataset<Row> test) {
        ShippedModel model = new ShippedModel("mnist_mlp.net", """
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
        float[] params = model.model().initialWeights(0);
        long start = System.nanoTime();
        double[] clock = {0};
        List<String> curve = new ArrayList<>();
        SparkTrainer.builder(model).optimizer(new OptimizerChoice("momentum", 0.05)).epochs(8).batchSize(64)
                .localSteps(50).listener(new ProgressListener() {
                    private boolean reached;

                    @Override
                    public void epochDone(EpochReport r) {
                        double trainSeconds = r.seconds() - evalSeconds(r);
                        clock[0] += trainSeconds;
                        double wall = (System.nanoTime() - start) / 1e9;
                        String line = String.format(Locale.ROOT, "netc-spark local SGD H=50: epoch %d, train %.1f s"
                                + " (wall %.1f s), test accuracy %.4f", r.epoch(), clock[0], wall, r.testAccuracy());
                        System.out.println(line);
                        curve.add(line);
                        reached |= r.testAccuracy() >= TARGET;
                    }

                    @Override
                    public boolean stopRequested() {
                        return reached;
                    }
                }).build().train(params, train, test);
    }

    /** The evaluation part of an epoch's duration: seconds minus the training time the throughput implies. */
    private static double evalSeconds(EpochReport r) {
        double trainSeconds = 60000 / r.samplesPerSecond();
        return r.seconds() - trainSeconds;
    }

    private static void mllib(Dataset<Row> train, Dataset<Row> test, String solver, double step, int chunk,
                              double capSeconds) {
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy");
        Vector weights = null;
        double clock = 0;
        int iterations = 0;
        while (clock < capSeconds) {
            MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
                    .setLayers(new int[] {784, 512, 256, 10}).setSolver(solver).setMaxIter(chunk).setSeed(0)
                    .setBlockSize(128);
            if (step > 0) {
                mlp.setStepSize(step);
            }
            if (weights != null) {
                mlp.setInitialWeights(weights);
            }
            long t0 = System.nanoTime();
            MultilayerPerceptronClassificationModel model = mlp.fit(train);
            clock += (System.nanoTime() - t0) / 1e9;
            iterations += chunk;
            weights = model.weights();
            double acc = accuracy.evaluate(model.transform(test));
            System.out.printf(Locale.ROOT, "mllib %s%s: %d iterations, train %.1f s, test accuracy %.4f%n", solver,
                    step > 0 ? " step " + step : "", iterations, clock, acc);
            if (acc >= TARGET) {
                break;
            }
        }
    }
}
