package netc.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The last {@code capacity} compiled models by source hash. A miss compiles outside any lock, so compiling one model
 * never waits for another; threads asking for the same new model share one compilation. Only a successful
 * compilation enters the cache (and only then may it push out the least recently used model), so a mistake is
 * reported again on the next call.
 */
final class ModelCache {
    private final Map<String, Model> models;
    private final Map<String, CompletableFuture<Model>> compiling = new ConcurrentHashMap<>();

    ModelCache(int capacity) {
        this.models = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Model> eldest) {
                return size() > capacity;
            }
        };
    }

    Model get(String hash, Supplier<Model> compile) {
        synchronized (models) {
            Model cached = models.get(hash);
            if (cached != null) {
                return cached;
            }
        }
        CompletableFuture<Model> mine = new CompletableFuture<>();
        CompletableFuture<Model> theirs = compiling.putIfAbsent(hash, mine);
        if (theirs != null) {
            try {
                return theirs.join();
            } catch (CompletionException e) {
                // That compilation failed; compile again so that this caller gets the mistake as its own exception.
                return get(hash, compile);
            }
        }
        try {
            Model m = compile.get();
            synchronized (models) {
                models.put(hash, m);
            }
            mine.complete(m);
            return m;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            compiling.remove(hash, mine);
        }
    }

    int size() {
        synchronized (models) {
            return models.size();
        }
    }
}
