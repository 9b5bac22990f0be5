package io.servd.cgroup.unit;

import java.util.ArrayList;
import java.util.List;

/** systemd's {@code extract_first_word()} with quote removal and C unescaping, applied to a whole value. */
final class UnitWords {

    private UnitWords() {
    }

    static ParseResult<List<String>> split(String file, UnitOption option) {
        String v = option.value();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\\') {
                if (i + 1 >= v.length()) {
                    return failed(file, option, words, "trailing backslash");
                }
                char n = v.charAt(++i);
                switch (n) {
                    case 'n' -> word.append('\n');
                    case 't' -> word.append('\t');
                    case 'x' -> {
                        if (i + 2 >= v.length() || !isHex(v.charAt(i + 1)) || !isHex(v.charAt(i + 2))) {
                            return failed(file, option, words, "invalid \\x escape");
                        }
                        word.append((char) Integer.parseInt(v.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> word.append(n);
                }
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else {
                word.append(c);
            }
        }
        if (quote != 0) {
            return failed(file, option, words, "unbalanced quotes");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return new ParseResult<>(List.copyOf(words), List.of());
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static ParseResult<List<String>> failed(String file, UnitOption option, List<String> words, String problem) {
        return new ParseResult<>(List.copyOf(words),
                List.of(new Diagnostic(file, option.line(), option.name(), option.value(), problem)));
    }
}
