package netc.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.interp.GradientCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netc gradcheck}: the symbolic gradients against central differences, in float64. */
@Command(name = "gradcheck", description = {"Check every parameter's symbolic gradient against central finite "
        + "differences in float64 (step 1e-6; passes when |analytic - numeric| <= 1e-5 + 1e-3 |numeric|), at a "
        + "random point away from the kinks of relu, step and leaky_relu. Where a kink still lies within the step "
        + "(the one-sided differences disagree), the analytic gradient must match one of the one-sided differences "
        + "instead, and the summary counts such coordinates. Relative error is |analytic - numeric| / "
        + "max(|analytic|, |numeric|, 1e-5). Exits 1 if any coordinate fails.", ""})
final class GradcheckCommand implements Callable<Integer> {
    @Mixin
    ModelArgs model;

    @Mixin
    CommonOptions common;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seeds the point and the "
            + "coordinates checked (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", defaultValue = "3", paramLabel = "B", description = "Samples in the loss (default: "
            + "${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--per-param", defaultValue = "32", paramLabel = "N", description = "Coordinates checked per "
            + "parameter, chosen at random; all of them for smaller parameters (default: ${DEFAULT-VALUE}).")
    int perParam;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1 || perParam < 1) {
            throw new netc.compiler.internal.source.UserError(batch < 1 ? "--batch" : "--per-param",
                    "must be at least 1, got " + (batch < 1 ? batch : perParam));
        }
        var out = spec.commandLine().getOut();
        CheckedModel m = model.check(spec.commandLine().getErr());
        GradientCheck.Result r = GradientCheck.run(m.graph(), seed, batch, perParam);
        Map<String, GradientCheck.Entry> worst = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (GradientCheck.Entry e : r.entries()) {
            counts.merge(e.param(), 1, Integer::sum);
            GradientCheck.Entry w = worst.get(e.param());
            if (w == null || (w.passes() && !e.passes())
                    || (w.passes() == e.passes() && e.relativeError() > w.relativeError())) {
                worst.put(e.param(), e);
            }
        }
        int width = 5;
        for (String p : worst.keySet()) {
            width = Math.max(width, p.length());
        }
        out.printf(Locale.ROOT, "%-" + width + "s  %6s  %-10s  %s%n", "param", "checked", "worst rel", "");
        for (Map.Entry<String, GradientCheck.Entry> e : worst.entrySet()) {
            GradientCheck.Entry w = e.getValue();
            out.printf(Locale.ROOT, "%-" + width + "s  %6d  %-10.3g  %s%n", e.getKey(), counts.get(e.getKey()),
                    w.relativeError(), w.passes() ? "ok" : String.format(Locale.ROOT,
                            "FAILED at [%d]: analytic %.9g, numeric %.9g", w.index(), w.analytic(), w.numeric()));
        }
        out.println(r.summary());
        return r.passed() ? Main.OK : Main.USER_ERROR;
    }
}
