package netc.compiler.internal.frontend.ast;

import java.util.List;
import netc.compiler.internal.source.Span;

/**
 * {@code f(a, k=b)}. The callee is only a name here; the front end decides whether it is a function or a matrix
 * ({@code W(x)}, which means the same as {@code W x}).
 */
public record Call(Name fn, List<Argument> args, Span span) implements Expr {
    public Call {
        args = List.copyOf(args);
    }
}
