package netc.compiler.internal.emit;

/** Text that may appear in generated comments: only characters that cannot form a Unicode escape or end a comment. */
final class ClassNames {
    private ClassNames() {
    }

    /**
     * Keeps {@code [A-Za-z0-9._:-]} and replaces everything else by {@code _}. Java decodes {@code \\uXXXX} escapes
     * even inside comments, so a backslash or {@code *}{@code /} from a file name must never reach generated source.
     */
    static String safeComment(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-' || c == ':';
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }
}
