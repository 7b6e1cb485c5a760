package netc.cli;

import java.util.List;
import java.util.Locale;
import netc.runtime.io.Json;
import netc.runtime.train.ClassReport;
import netc.runtime.train.Evaluation;

/**
 * {@code netc eval}'s per-class results: a table for people (precision and recall per class, then the confusion
 * matrix; "-" where a figure is 0/0) and one JSON object for scripts ({@code null} where a figure is 0/0).
 */
final class ClassTable {
    private ClassTable() {
    }

    /** The table, lines ending in a newline, starting with an empty line. */
    static String render(ClassReport r, List<String> names) {
        int k = r.classes();
        String[] labels = new String[k];
        int labelWidth = "class".length();
        for (int c = 0; c < k; c++) {
            labels[c] = names.get(c).equals(Integer.toString(c)) ? names.get(c) : c + " " + names.get(c);
            labelWidth = Math.max(labelWidth, labels[c].length());
        }
        StringBuilder sb = new StringBuilder("\n");
        sb.append(String.format(Locale.ROOT, "%-" + labelWidth + "s  %9s  %9s  %9s  %9s%n", "class", "samples",
                "predicted", "precision", "recall"));
        for (int c = 0; c < k; c++) {
            sb.append(String.format(Locale.ROOT, "%-" + labelWidth + "s  %,9d  %,9d  %9s  %9s%n", labels[c],
                    r.support(c), r.predictedCount(c), figure(r.precision(c)), figure(r.recall(c))));
        }
        sb.append("recall = accuracy on the class; - is 0/0 (precision of a class never predicted, recall of a "
                + "class without samples)\n");
        sb.append("\nconfusion matrix (rows: true class, columns: predicted class)\n");
        int cell = 1;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                cell = Math.max(cell, String.format(Locale.ROOT, "%d", r.count(t, p)).length());
            }
        }
        cell = Math.max(cell, Integer.toString(k - 1).length());
        sb.append(" ".repeat(labelWidth));
        for (int p = 0; p < k; p++) {
            sb.append(String.format(Locale.ROOT, "  %" + cell + "d", p));
        }
        sb.append('\n');
        for (int t = 0; t < k; t++) {
            sb.append(String.format(Locale.ROOT, "%-" + labelWidth + "s", labels[t]));
            for (int p = 0; p < k; p++) {
                sb.append(String.format(Locale.ROOT, "  %" + cell + "d", r.count(t, p)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** One JSON object: the overall figures, then per class and the confusion matrix when there are classes. */
    static String json(String weights, String data, Evaluation e, ClassReport r, List<String> names) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"weights\":").append(Json.quote(weights));
        sb.append(",\"data\":").append(Json.quote(data));
        sb.append(",\"samples\":").append(e.samples());
        sb.append(",\"loss\":").append(number(e.loss()));
        sb.append(",\"accuracy\":").append(number(e.accuracy()));
        if (r != null) {
            sb.append(",\"classes\":[");
            for (int c = 0; c < r.classes(); c++) {
                sb.append(c == 0 ? "" : ",").append("{\"class\":").append(c).append(",\"name\":")
                        .append(Json.quote(names.get(c))).append(",\"samples\":").append(r.support(c))
                        .append(",\"predicted\":").append(r.predictedCount(c)).append(",\"precision\":")
                        .append(number(r.precision(c))).append(",\"recall\":").append(number(r.recall(c)))
                        .append('}');
            }
            sb.append("],\"confusion_matrix\":[");
            for (int t = 0; t < r.classes(); t++) {
                sb.append(t == 0 ? "[" : ",[");
                for (int p = 0; p < r.classes(); p++) {
                    sb.append(p == 0 ? "" : ",").append(r.count(t, p));
                }
                sb.append(']');
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    private static String figure(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
