package netc.compiler.internal.emit;

import java.util.HashMap;
import java.util.Map;

/**
 * Kernel methods shared between stages. An unrolled recurrence runs the same kernel on other buffers at every
 * step; kernel methods take their arrays and offsets as arguments (scratch arrays under positional names, see
 * {@link ExpressionEmitter}), so their bodies are equal and one method serves every step. The method keeps the name
 * proposed by the first stage that needs it, which keeps the output deterministic.
 */
final class SharedMethods {
    private final Map<String, String> byBody = new HashMap<>();
    private final Map<String, Integer> users = new HashMap<>();

    /**
     * The method to call for a kernel whose method text (spelt with a placeholder name) is {@code body}: an existing
     * one with the same text, or {@code proposed}, which must then be emitted.
     */
    String nameFor(String body, String proposed) {
        String name = byBody.computeIfAbsent(body, b -> proposed);
        users.merge(name, 1, Integer::sum);
        return name;
    }

    /** Whether {@code name} was handed out, so it is taken. */
    boolean taken(String name) {
        return users.containsKey(name);
    }

    /** How many stages call the method. */
    int users(String name) {
        return users.getOrDefault(name, 0);
    }
}
