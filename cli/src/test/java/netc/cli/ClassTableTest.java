package netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import netc.runtime.train.ClassReport;
import netc.runtime.train.Evaluation;
import org.junit.jupiter.api.Test;

/** {@link ClassTable}: the exact text and JSON for a report with a class never predicted and one without samples. */
class ClassTableTest {
    /** Class 2 ("bird") has samples but is never predicted; class 1 ("dog") is predicted but has no sample. */
    private static final ClassReport REPORT = ClassReport.of(3, new int[] {0, 0, 0, 2, 2},
            new int[] {0, 0, 1, 0, 1});

    @Test
    void tableShowsZeroOverZeroAsADash() {
        assertEquals("""

                class     samples  predicted  precision     recall
                0 cat           3          3     0.6667     0.6667
                1 dog           0          2     0.0000          -
                2 bird          2          0          -     0.0000
                recall = accuracy on the class; - is 0/0 (precision of a class never predicted, recall of a class \
                without samples)

                confusion matrix (rows: true class, columns: predicted class)
                        0  1  2
                0 cat   2  1  0
                1 dog   0  0  0
                2 bird  1  1  0
                """, ClassTable.render(REPORT, List.of("cat", "dog", "bird")));
    }

    @Test
    void jsonShowsZeroOverZeroAsNull() {
        assertEquals("{\"weights\":\"w.safetensors\",\"data\":\"d \\\"q\\\"\",\"samples\":5,\"loss\":0.5,"
                + "\"accuracy\":0.4,\"classes\":["
                + "{\"class\":0,\"name\":\"cat\",\"samples\":3,\"predicted\":3,\"precision\":0.6666666666666666,"
                + "\"recall\":0.6666666666666666},"
                + "{\"class\":1,\"name\":\"dog\",\"samples\":0,\"predicted\":2,\"precision\":0.0,\"recall\":null},"
                + "{\"class\":2,\"name\":\"bird\",\"samples\":2,\"predicted\":0,\"precision\":null,\"recall\":0.0}],"
                + "\"confusion_matrix\":[[2,1,0],[0,0,0],[1,1,0]]}",
                ClassTable.json("w.safetensors", "d \"q\"", new Evaluation(5, 0.5, 0.4), REPORT,
                        List.of("cat", "dog", "bird")));
    }
}
