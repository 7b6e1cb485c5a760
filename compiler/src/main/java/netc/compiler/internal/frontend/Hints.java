package netc.compiler.internal.frontend;

import java.util.Collection;

/** "did you mean ...?" suggestions for misspelt names. */
final class Hints {
    /** Suggestions further than this many edits away are more noise than help. */
    static final int MAX_DISTANCE = 2;

    /**
     * Longer names are not compared: a name may be at most {@link DeclarationChecker#MAX_NAME_LENGTH} characters, and
     * a 100,000-character misspelling of a 100,000-character name took 16 s and 6 GB to compare.
     */
    static final int MAX_COMPARED_LENGTH = DeclarationChecker.MAX_NAME_LENGTH + MAX_DISTANCE;

    /** {@code name} as a message shows it: a name beyond the length limit by its first 20 characters, then "...". */
    static String shown(String name) {
        return name.length() > DeclarationChecker.MAX_NAME_LENGTH ? name.substring(0, 20) + "..." : name;
    }

    private Hints() {
    }

    /**
     * The candidate closest to {@code word}, within {@link #MAX_DISTANCE} edits and closer than rewriting the whole
     * word; null if none is. Ties go to the nearest number for numbered names ({@code W4} suggests {@code W3} rather
     * than {@code W1}), then to the first candidate in iteration order.
     */
    static String closest(String word, Collection<String> candidates) {
        if (word.length() > MAX_COMPARED_LENGTH) {
            return null;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        long bestGap = Long.MAX_VALUE;
        for (String c : candidates) {
            // the distance is at least the difference in length, and costs the product of the lengths
            if (c.equals(word) || c.length() > MAX_COMPARED_LENGTH
                    || Math.abs(c.length() - word.length()) > MAX_DISTANCE) {
                continue;
            }
            int d = distance(word, c);
            if (d > MAX_DISTANCE || d >= Math.max(word.length(), c.length())) {
                continue;
            }
            long gap = numberGap(word, c);
            if (d < bestDistance || d == bestDistance && gap < bestGap) {
                best = c;
                bestDistance = d;
                bestGap = gap;
            }
        }
        return best;
    }

    /** |n - m| for {@code aN} and {@code aM} (same stem, numeric suffixes), else {@link Long#MAX_VALUE}. */
    static long numberGap(String a, String b) {
        int i = stemEnd(a);
        int j = stemEnd(b);
        if (i == a.length() || j == b.length() || !a.substring(0, i).equals(b.substring(0, j))
                || a.length() - i > 9 || b.length() - j > 9) {
            return Long.MAX_VALUE;
        }
        return Math.abs(Long.parseLong(a.substring(i)) - Long.parseLong(b.substring(j)));
    }

    private static int stemEnd(String s) {
        int i = s.length();
        while (i > 0 && Character.isDigit(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** "; did you mean 'W3'?" or "". */
    static String didYouMean(String word, Collection<String> candidates) {
        String c = closest(word, candidates);
        return c == null ? "" : "; did you mean '" + c + "'?";
    }

    /**
     * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours, so
     * {@code rleu} is one edit from {@code relu}. Case differences count as substitutions.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
