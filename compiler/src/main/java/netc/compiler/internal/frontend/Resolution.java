package netc.compiler.internal.frontend;

import java.util.List;
import java.util.Map;
import java.util.Set;
import netc.compiler.internal.frontend.ast.Binding;
import netc.compiler.internal.frontend.ast.Call;
import netc.compiler.internal.frontend.ast.InputDecl;
import netc.compiler.internal.frontend.ast.Name;
import netc.compiler.internal.frontend.ast.Statement;
import netc.compiler.internal.frontend.ast.TargetDecl;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.source.Diagnostic;
import netc.runtime.TargetKind;

/**
 * What {@link NameResolver} learnt about a program, for {@link Lowering}. Anything the resolver found wrong is
 * missing here (null, or left out of a list), and it has been reported: lowering skips it without a word.
 *
 * @param declared    every declared name (input, target, parameters, bindings) to its first declaration
 * @param duplicated  names declared more than once: their uses are ambiguous, so lowering skips them
 * @param input       the input, or null
 * @param inputShape  its shape, or null if the declaration is invalid
 * @param target      the target, or null
 * @param targetKind  CLASSES or VALUES, or null if unknown
 * @param targetShape its shape ({@code [n]}), or null if invalid
 * @param params      the valid parameters, in declaration order
 * @param bindings    the first definition of each binding, in source order
 * @param definitions the bindings of {@code bindings} and the valid step bindings ({@code h[t] = ...}), in source
 *                    order: what lowering evaluates, one after the other, except that loops that use each other's
 *                    steps are unrolled together ({@link StepGroups})
 * @param brokenStates states with an invalid step binding (reported): lowering does not report their missing steps
 * @param loss        the loss call, or null if the loss statement is not a valid loss call
 * @param lossFunction the loss function called
 * @param prediction  the loss's first argument, a name
 * @param targetArg   the loss's second argument, the target's name
 * @param warnings    things that are legal but probably mistakes (unused parameters and bindings)
 */
record Resolution(String networkName, Map<String, Declared> declared, Set<String> duplicated, InputDecl input,
                  Shape inputShape,
                  TargetDecl target, TargetKind targetKind, Shape targetShape, List<CheckedModel.Param> params,
                  List<Binding> bindings, List<Statement> definitions, Set<String> brokenStates, Call loss, Function lossFunction, Name prediction, Name targetArg,
                  List<Diagnostic> warnings) {

    /** What a declared name stands for; a STATE has one value per step ({@code h[0]}, {@code h[1]}, ...). */
    enum Kind { INPUT, TARGET, PARAM, BINDING, STATE }

    /**
     * A declaration.
     *
     * @param index position of the declaring statement in the program, to tell uses before a binding's definition
     */
    record Declared(String name, Kind kind, netc.compiler.internal.source.Span span, int index) {
    }
}
