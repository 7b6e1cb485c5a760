package netc.compiler.internal.frontend;

import netc.compiler.internal.frontend.ast.Program;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.Diagnostics;
import netc.compiler.internal.source.InternalCompilerError;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;
import netc.compiler.internal.source.UserError;
import netc.grammar.NetParser;

/**
 * The front end: {@code .net} text to a checked model and its graph.
 *
 * <ol>
 *   <li>{@link SourceParser} parses with ANTLR, errors worded by {@link SyntaxMessages};</li>
 *   <li>{@link AstBuilder} turns the parse tree into {@link netc.compiler.internal.frontend.ast} records;</li>
 *   <li>{@link NameResolver} checks declarations, names, functions, initialisers and the loss;</li>
 *   <li>{@link Lowering} builds the graph IR, checking shapes as it goes.</li>
 * </ol>
 *
 * Semantic checks never run on a file with syntax errors. Every stage collects diagnostics and carries on; if any
 * error was found, {@link UserError} carries them all, in source order, capped at {@link Diagnostics#CAP}.
 */
public final class Frontend {
    private Frontend() {
    }

    /** Parses and checks {@code source}; throws {@link UserError} with every diagnostic if it has errors. */
    public static CheckedModel analyze(SourceFile source) {
        Diagnostics diagnostics = new Diagnostics(source);
        try {
            Program program = parse(source, diagnostics);
            diagnostics.throwIfErrors();
            Resolution resolution = NameResolver.resolve(program, source, diagnostics);
            Lowering.Result lowered = Lowering.lower(source, resolution, diagnostics);
            diagnostics.throwIfErrors();
            if (lowered.graph() == null) {
                throw new InternalCompilerError("front end", "no graph for " + source.name()
                        + " and no error reported");
            }
            return new CheckedModel(resolution.networkName(), source, resolution.input().name().text(),
                    resolution.inputShape(), resolution.target().name().text(), resolution.targetKind(),
                    resolution.targetShape().dim(0), withState(resolution.params(), lowered.state()),
                    lowered.bindings(),
                    resolution.prediction().id(), resolution.lossFunction().spelling(), lowered.graph(),
                    resolution.warnings());
        } catch (StackOverflowError e) {
            // The nesting limit in SourceParser should make this unreachable; a message beats a crash if not.
            Diagnostics d = new Diagnostics(source);
            d.add(Diagnostic.error(Span.at(source.name(), 1, 1), "the file is nested too deeply to compile"));
            throw new UserError(d);
        }
    }

    /** The declared parameters, then the batch norms' running statistics: state follows every trainable weight. */
    private static java.util.List<CheckedModel.Param> withState(java.util.List<CheckedModel.Param> declared,
                                                                java.util.List<CheckedModel.Param> state) {
        java.util.List<CheckedModel.Param> all = new java.util.ArrayList<>(declared);
        all.addAll(state);
        return all;
    }

    /** Parses {@code source} into its syntax tree; throws {@link UserError} with the syntax errors if any. */
    public static Program parse(SourceFile source) {
        Diagnostics diagnostics = new Diagnostics(source);
        Program program = parse(source, diagnostics);
        diagnostics.throwIfErrors();
        return program;
    }

    private static Program parse(SourceFile source, Diagnostics diagnostics) {
        NetParser.ProgramContext tree = SourceParser.parse(source, diagnostics);
        return tree == null ? null : new AstBuilder(new Spans(source)).build(tree);
    }
}
