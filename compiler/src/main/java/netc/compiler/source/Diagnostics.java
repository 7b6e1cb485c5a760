package netc.compiler.source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects diagnostics for one file and caps them, so that one mistake does not bury the screen in follow-ups.
 */
public final class Diagnostics {
    /** The most errors reported for one file. */
    public static final int CAP = 20;

    private final SourceFile source;
    private final List<Diagnostic> items = new ArrayList<>();

    private int errorCount;

    public Diagnostics(SourceFile source) {
        this.source = source;
    }

    public SourceFile source() {
        return source;
    }

    public void add(Diagnostic d) {
        if (d.severity() == Diagnostic.Severity.ERROR) {
            errorCount++;
        }
        if (items.size() < CAP) {
            items.add(d);
        }
    }

    public void error(Span span, String message, Diagnostic.Note... notes) {
        add(Diagnostic.error(span, message, notes));
    }

    /** How many errors were reported, including those beyond the cap. */
    public int errorCount() {
        return errorCount;
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }

    /** Diagnostics in source order. */
    public List<Diagnostic> items() {
        List<Diagnostic> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingInt((Diagnostic d) -> d.span().line()).thenComparingInt(d -> d.span().column()));
        return sorted;
    }

    /** Throws a {@link UserError} carrying these diagnostics if any is an error. */
    public void throwIfErrors() {
        if (hasErrors()) {
            throw new UserError(this);
        }
    }

    /** All diagnostics rendered with carets, one after another. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : items()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(d.render(source));
        }
        return sb.toString();
    }
}
