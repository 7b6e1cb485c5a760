/**
 * Loading training data into the runtime's layout.
 *
 * <p>Reading order: {@link netc.runtime.data.Dataset} (samples as flat {@code float[]} inputs and targets),
 * {@link netc.runtime.data.IdxReader} (the MNIST file format, plain or gzip), {@link netc.runtime.data.MnistFormat}
 * (the four-file train/test layout, from a directory or the class path), {@link netc.runtime.data.FashionMnist}
 * (the built-in default data set) and {@link netc.runtime.data.CsvReader}. Every problem with a user's file is one
 * {@link netc.runtime.InputException} naming the file (and line), never a stack trace.
 */
package netc.runtime.data;
