package netc.compiler.internal.emit;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits long generated methods. The JVM refuses methods over 64 KB of bytecode and HotSpot does not compile
 * methods over 8,000 bytes ({@code -XX:-DontCompileHugeMethods}), so the dispatch methods of a big program
 * ({@code runStage}, and {@code forward}, {@code loss} and {@code lossAndGradient}, which list every kernel) are cut
 * into chunks before they would get there. Sizes are estimated from the source, generously: every argument of a
 * call is counted as a field load with a wide constant, so the real bytecode stays well under the estimate (the
 * tests read the sizes from compiled class files).
 */
final class MethodChunks {
    /** The estimated bytecode one chunk may hold; real sizes come out at about half of the estimate. */
    static final int BUDGET = 6000;

    private MethodChunks() {
    }

    /** An item of a chunked method: the statements of one kernel, and their estimated bytecode size. */
    record Item(int id, CodeBlock code, int cost) {
    }

    /** The estimated bytecode of an {@code if (a <= b) ... else ...} around two calls. */
    static final int BRANCH = 12;

    /**
     * A generous estimate of the bytecode of a call statement: 8 bytes plus 5 per argument, 5 per call or bracket
     * nested in the arguments and 3 per operator there. Arguments are expressions too: a column stage's alignment
     * ({@code (VECTOR && VectorKernels.LANES >= 16 ? 4 : 6)}) made a two-call item about 100 bytes where 5 per
     * argument counted 56, and chunks of a large recurrent network came out over HotSpot's 8,000-byte limit.
     */
    static int callCost(CodeBlock call) {
        String text = call.toString();
        int depth = 0;
        int args = 1;
        int nested = 0;
        int operators = 0;
        boolean open = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
                nested += open ? 1 : 0;
                open = true;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth >= 1) {
                args++;
            } else if (depth >= 1 && "+-*/<>?:&|!=".indexOf(c) >= 0) {
                operators++;
            }
        }
        return 8 + 5 * (open ? args : 1) + 5 * nested + 3 * operators;
    }

    /** Consecutive runs of {@code items} whose costs add up to at most {@link #BUDGET}; one run if all fit. */
    static List<List<Item>> split(List<Item> items) {
        List<List<Item>> chunks = new ArrayList<>();
        List<Item> current = new ArrayList<>();
        int size = 0;
        for (Item item : items) {
            if (!current.isEmpty() && size + item.cost() > BUDGET) {
                chunks.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(item);
            size += item.cost();
        }
        chunks.add(current);
        return chunks;
    }
}
