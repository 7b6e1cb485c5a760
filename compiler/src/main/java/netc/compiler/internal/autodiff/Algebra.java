package netc.compiler.internal.autodiff;

import netc.compiler.internal.ir.GraphBuilder;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;

/**
 * Smart constructors that simplify while building: the chain rule multiplies by the seed 1 and by constants, and
 * folding those at construction keeps gradient graphs (and their printed formulas) as small as hand-derived ones.
 */
final class Algebra {
    private final GraphBuilder b;

    Algebra(GraphBuilder b) {
        this.b = b;
    }

    GraphBuilder builder() {
        return b;
    }

    Node constant(double v) {
        return b.constant(v);
    }

    Node mul(Node x, Node y) {
        if (isConst(x, 1)) {
            return y;
        }
        if (isConst(y, 1)) {
            return x;
        }
        if (isConst(x, -1)) {
            return neg(y);
        }
        if (isConst(y, -1)) {
            return neg(x);
        }
        return b.op(Op.MUL, x, y);
    }

    Node add(Node x, Node y) {
        if (y.op() == Op.NEG) {
            return sub(x, y.input(0));
        }
        return b.op(Op.ADD, x, y);
    }

    Node sub(Node x, Node y) {
        return b.op(Op.SUB, x, y);
    }

    Node div(Node x, Node y) {
        if (isConst(y, 1)) {
            return x;
        }
        return b.op(Op.DIV, x, y);
    }

    Node neg(Node x) {
        if (x.op() == Op.NEG) {
            return x.input(0);
        }
        if (x.op() == Op.CONST) {
            return b.constant(-x.attrs().value());
        }
        return b.op(Op.NEG, x);
    }

    Node op(Op op, Node... inputs) {
        return b.op(op, inputs);
    }

    static boolean isConst(Node n, double v) {
        return n.op() == Op.CONST && n.attrs().value() == v;
    }
}
