/**
 * netc as a Java library: compile a {@code .net} model in this JVM, train it, evaluate it, keep its weights, or
 * generate its Java source for an ahead-of-time build. This package and the runtime's public types
 * ({@code netc.runtime}, {@code netc.runtime.train}, {@code netc.runtime.data}, {@code netc.runtime.io}) are the
 * API; everything under {@code netc.compiler.internal} may change in any release.
 *
 * <h2>Compile, train, save, reload</h2>
 * <pre>{@code
 * Model model = Netc.compile(Path.of("mnist_mlp.net"));        // cached by source hash in this JVM
 * DataSplit data = FashionMnist.load(Path.of("/usr/share/datasets/fashion-mnist"));
 * float[] weights = model.initialWeights(0);
 * List<EpochReport> reports = model.trainer()                  // the command line's defaults
 *         .epochs(5)
 *         .build()
 *         .train(weights, data.train(), data.test());
 * model.saveWeights(Path.of("mlp.safetensors"), weights);
 * float[] again = model.loadWeights(Path.of("mlp.safetensors"));
 * Evaluation e = model.evaluate(again, data.test());            // loss and accuracy
 * }</pre>
 *
 * <h2>Ahead of time</h2>
 * <pre>{@code
 * Netc.generateJava(Path.of("mnist_mlp.net"), JavaOptions.defaults().withPackage("com.example.model"))
 *     .writeTo(Path.of("src/main/java"));
 * }</pre>
 * The class implements {@code netc.runtime.Network} and needs only the netc runtime. The Maven plugin
 * ({@code netc-maven-plugin}, goal {@code generate}) does this in a build.
 *
 * <h2>Errors</h2>
 * A mistake in a model is a {@link netc.api.ModelException} whose message is the command line's
 * {@code file:line:col: error: ...} text; bad data, weights or settings are a {@code netc.runtime.InputException}
 * naming the file or setting; a wrong argument size is an {@code IllegalArgumentException}.
 *
 * <h2>Threads</h2>
 * {@link netc.api.Netc} and {@link netc.api.Model} are safe to share. A {@code netc.runtime.Network} instance and a
 * {@code Trainer} are not: use one per thread ({@link netc.api.Model#newNetwork()} is cheap).
 */
package netc.api;
