package netc.compiler.internal.frontend.ast;

/** One statement of a {@code .net} file. */
public sealed interface Statement extends AstNode
        permits NetworkDecl, InputDecl, TargetDecl, ParamDecl, Binding, StepBinding, LossDecl {
}
