/**
 * Weights files: {@link netc.runtime.io.Safetensors} saves and strictly validates a parameter vector in the
 * safetensors format; {@link netc.runtime.io.AtomicFiles} is the temp-file, fsync, rename, fsync-directory write
 * used for it (and usable for any output that must never be left half-written). {@link netc.runtime.io.TensorFile}
 * holds any named tensors and metadata in the same layout with a checksum over the whole file: training checkpoints.
 */
package netc.runtime.io;
