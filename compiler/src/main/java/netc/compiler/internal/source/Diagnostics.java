package netc.compiler.internal.source;

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
    private int total;

    public Diagnostics(SourceFile source) {
        this.source = source;
    }

    public SourceFile source() {
        return source;
    }

    public void add(Diagnostic d) {
        total++;
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

    /**
     * All diagnostics rendered with carets, one after another; if more were reported than the cap kept, a last line
     * says how many more.
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : items()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(d.render(source));
        }
        if (total > items.size()) {
            sb.append('\n').append(omitted(total - items.size(), "error"));
        }
        return sb.toString();
    }

    /**
     * Up to {@link #CAP} diagnostics (warnings, say) rendered with carets, one per line group, then a line saying how
     * many more there were: 20,000 unused-parameter warnings must not bury the screen either.
     */
    public static String renderCapped(List<Diagnostic> diagnostics, SourceFile source, String what) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(CAP, diagnostics.size());
        for (int i = 0; i < shown; i++) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(diagnostics.get(i).render(source));
        }
        if (diagnostics.size() > shown) {
            sb.append('\n').append(omitted(diagnostics.size() - shown, what));
        }
        return sb.toString();
    }

    /** {@code note: 3 more errors not shown (the first 20 are)}. */
    static String omitted(int more, String what) {
        return "note: " + more + " more " + what + (more == 1 ? "" : "s") + " not shown (only the first " + CAP
                + " are)";
    }
}
