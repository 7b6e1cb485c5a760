package netc.cli;

import java.util.concurrent.Callable;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.autodiff.GradientFormulas;
import netc.compiler.internal.frontend.CheckedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code netc grad}: every parameter's gradient as formulas. */
@Command(name = "grad", description = {"Print the gradient of the loss with respect to every parameter, as formulas "
        + "built by symbolic reverse-mode differentiation. Shared subexpressions get a name (t<id>, or the "
        + "binding's name) and their own line; B is the batch size.", ""})
final class GradCommand implements Callable<Integer> {
    @Mixin
    ModelArgs model;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CheckedModel m = model.check(spec.commandLine().getErr());
        var names = Differentiate.carryNames(m.graph(), m.bindingNames());
        spec.commandLine().getOut().print(GradientFormulas.print(Differentiate.run(m.graph()), names));
        return Main.OK;
    }
}
