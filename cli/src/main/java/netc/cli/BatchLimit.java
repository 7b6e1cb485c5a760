package netc.cli;

import java.util.Locale;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.source.UserError;

/**
 * The largest batch a network can run: every per-sample value is held for a whole batch in one Java array, so
 * {@code batch x} the widest per-sample value must stay within {@link Integer#MAX_VALUE} floats. Checked before
 * any compile or data load, so that {@code --batch 100000} on a 50,000-wide layer is a message naming the value, not
 * a {@code NegativeArraySizeException} from the generated class minutes later.
 */
final class BatchLimit {
    private BatchLimit() {
    }

    /** Throws a user error naming {@code option} when {@code batch} samples of some value do not fit one array. */
    static void require(String option, int batch, CheckedModel model) {
        Node widest = widest(model);
        long perSample = widest.shape().size();
        if (batch * perSample <= Integer.MAX_VALUE) {
            return;
        }
        String where = widest.span().isNone() ? "" : " at " + widest.span();
        throw new UserError(option, String.format(Locale.ROOT, "%,d samples of the widest value per sample (%,d"
                        + " floats%s) make %,d floats, more than one Java array holds; at most %,d samples fit",
                batch, perSample, where, batch * perSample, Integer.MAX_VALUE / perSample));
    }

    /** The per-sample value with the most elements (the input, or one computed from it); the first if tied. */
    static Node widest(CheckedModel model) {
        Node widest = null;
        for (Node n : model.graph().nodes()) {
            if (n.batched() && (widest == null || n.shape().size() > widest.shape().size())) {
                widest = n;
            }
        }
        return widest;
    }
}
