package netc.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import netc.runtime.Network;

/**
 * Network instances kept per executor JVM between tasks: an instance owns scratch buffers sized by its largest batch,
 * so a step reuses them instead of allocating them again. An instance is not thread-safe; a task borrows one and
 * gives it back.
 */
final class Networks {
    private static final Map<String, ConcurrentLinkedQueue<Network>> IDLE = new ConcurrentHashMap<>();

    private Networks() {
    }

    /** An instance of the model's network, for this task alone until {@link #release}d. */
    static Network borrow(ShippedModel model) {
        Network n = IDLE.computeIfAbsent(model.model().sourceHash(), k -> new ConcurrentLinkedQueue<>()).poll();
        return n != null ? n : model.newNetwork();
    }

    /** Gives an instance back for later tasks. */
    static void release(ShippedModel model, Network network) {
        IDLE.computeIfAbsent(model.model().sourceHash(), k -> new ConcurrentLinkedQueue<>()).add(network);
    }
}
