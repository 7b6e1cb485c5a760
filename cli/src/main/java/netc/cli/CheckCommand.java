package netc.cli;

import java.util.List;
import java.util.concurrent.Callable;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.frontend.AstPrinter;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.IrPrinter;
import netc.compiler.internal.schedule.ProgramPrinter;
import netc.compiler.internal.schedule.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code netc check}: names, shapes and parameter counts; {@code --dump} shows each compiler stage. */
@Command(name = "check", description = {"Check a .net file and print its inputs, outputs, the shape of every binding "
        + "and the parameter count.", ""})
final class CheckCommand implements Callable<Integer> {
    /** What {@code --dump} can show. */
    enum Stage { ast, tree, ir, grad, fused, java }

    @Mixin
    ModelArgs model;

    @Mixin
    CommonOptions common;

    @Option(names = "--dump", paramLabel = "STAGE", description = "Print a compiler stage instead: ast (the parsed "
            + "program as source), tree (the syntax tree), ir (the graph), grad (the graph with gradients), fused "
            + "(the scheduled kernels), java (the generated class).")
    Stage dump;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (dump == Stage.ast || dump == Stage.tree) {
            var program = Frontend.parse(model.source());
            out.print(dump == Stage.ast ? AstPrinter.source(program) : AstPrinter.tree(program));
            return Main.OK;
        }
        CheckedModel m = model.check(err);
        if (dump == null) {
            out.print(m.summary());
            return Main.OK;
        }
        switch (dump) {
            case ir -> out.print(IrPrinter.print(m.graph()));
            case grad -> out.print(IrPrinter.print(Differentiate.run(m.graph())));
            case fused -> {
                Graph diff = Differentiate.run(m.graph());
                out.print(ProgramPrinter.print("forward", Schedule.build(diff, List.of(Graph.OUTPUT))));
                out.println();
                out.print(ProgramPrinter.print("lossAndGradient", Schedule.build(diff, diff.trainingRoles())));
            }
            case java -> {
                Compilation c = model.compile(model.options(), err);
                out.print(c.javaSource());
            }
            default -> throw new IllegalStateException("unhandled dump stage " + dump);
        }
        return Main.OK;
    }
}
