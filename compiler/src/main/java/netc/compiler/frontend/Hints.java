package netc.compiler.frontend;

import java.util.Collection;

/** "did you mean ...?" suggestions for misspelt names. */
final class Hints {
    /** Suggestions further than this many edits away are more noise than help. */
    static final int MAX_DISTANCE = 2;

    private Hints() {
    }

    /**
     * The candidate closest to {@code word} (the first one in iteration order on a tie), within {@link #MAX_DISTANCE}
     * edits and closer than rewriting the whole word; null if none is.
     */
    static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.equals(word)) {
                continue;
            }
            int d = distance(word, c);
            if (d <= MAX_DISTANCE && d < Math.max(word.length(), c.length()) && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
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
