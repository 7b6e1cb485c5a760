/**
 * Weights files: {@link netc.runtime.io.Safetensors} saves and strictly validates a parameter vector in the
 * safetensors format; {@link netc.runtime.io.AtomicFiles} is the temp-file, fsync, rename, fsync-directory write
 * used for it (and usable for any output that must never be left half-written).
 */
package netc.runtime.io;
