package netc.runtime.train;

import java.util.ArrayList;
import java.util.List;

import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;
import netc.runtime.TargetKind;

/** Builds ModelSpecs for tests: parameters are packed in the order given. */
final class Specs {

    private Specs() {
    }

    static ParamSpec[] params(Object... nameShapeInit) {
        List<ParamSpec> list = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < nameShapeInit.length; i += 3) {
            ParamSpec p = new ParamSpec((String) nameShapeInit[i], (int[]) nameShapeInit[i + 1], offset,
                    (Init) nameShapeInit[i + 2]);
            list.add(p);
            offset += p.size();
        }
        return list.toArray(new ParamSpec[0]);
    }

    static ModelSpec classifier(String name, int inputs, int classes, ParamSpec... params) {
        return new ModelSpec(name, name + ".net", "x", new int[] {inputs}, "p", new int[] {classes},
                TargetKind.CLASSES, classes, "cross_entropy", List.of(params));
    }
}
