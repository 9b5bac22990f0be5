package io.servd.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * Near-miss inputs for parser properties (issue 12 item 6): text built from the real grammar (a
 * captured fixture, or a generator of valid text), then one to three edits of the kind a broken
 * writer, a short read or a hostile peer makes: drop, duplicate or swap a field or a line, insert a
 * sign, a space, a tab, a NUL, a CR, a {@code max} or a non-ASCII digit, put a number at the edge of
 * 64 bits (2^63, 2^64, 2^64+1) or a random one above 2^31 in place of one, turn line ends into CRLF, add or remove the trailing
 * newline, truncate. A plain {@code @ForAll String} almost never gets past a parser's first check;
 * these reach the second and third.
 *
 * <p>jqwik is {@code provided} here: each module that writes properties names it with test scope.
 */
public final class NearMiss {

    /** Numbers a parser of "a non-negative decimal" must survive: signs, 64-bit edges, other digits. */
    public static final List<String> EDGE_NUMBERS = List.of(
            "0", "00", "-0", "+1", "-1", "1.5", "1e3", "0x10", " 1",
            "2147483647", "2147483648", "4294967296",
            "9223372036854775807", "9223372036854775808", // 2^63 - 1, 2^63
            "18446744073709551615", "18446744073709551616", "18446744073709551617", // 2^64 - 1, 2^64, 2^64 + 1
            "99999999999999999999999999", "\u0663", "\u0661\u0662", "\uff11", "\u096f"); // Arabic-Indic, fullwidth, Devanagari

    /** What an edit may insert: separators of every grammar we parse, signs, control and non-ASCII characters. */
    public static final List<String> INSERTIONS = List.of(
            " ", "  ", "\t", "\0", "\r", "\n", "\r\n", "-", "+", "max", "=", ":", ",", ".", "/", "\\", "\\0", "\\000",
            "#", ";", "[", "]", "@", "%", "\u0663", "\u00a0", "\u00e9", "\ufeff", "\uffff", "\ud800");

    /** What separates the fields a field edit drops, duplicates or swaps: words, list items, key and value. */
    private static final List<String> SEPARATORS = List.of(" ", ",", ":", "=");

    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    private NearMiss() {
    }

    /** One to three edits of one of {@code seeds}. */
    public static Arbitrary<String> of(String... seeds) {
        return of(Arbitraries.of(seeds));
    }

    /**
     * One to three edits of {@code text} or of one of its lines: a line alone gives each edit a better
     * chance to land in a given field of it.
     */
    public static Arbitrary<String> ofTextOrLine(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return lines.size() < 2 ? of(text)
                : Arbitraries.oneOf(of(text), of(Arbitraries.of(lines).map(l -> l + "\n")));
    }

    /** One to three edits of a value of {@code valid}. */
    public static Arbitrary<String> of(Arbitrary<String> valid) {
        return Combinators.combine(valid, edit().list().ofMinSize(1).ofMaxSize(3)).as(NearMiss::apply);
    }

    /**
     * {@code valid} (an environment, say) with the value of one entry edited as {@link #of(String...)}
     * does, or with that entry removed.
     */
    public static Arbitrary<Map<String, String>> ofOneEntry(Map<String, String> valid) {
        List<String> keys = List.copyOf(new TreeSet<>(valid.keySet()));
        return Arbitraries.of(keys).flatMap(key -> Arbitraries.oneOf(
                of(valid.get(key)).map(raw -> with(valid, key, raw)),
                Arbitraries.just(with(valid, key, null))));
    }

    private static Map<String, String> with(Map<String, String> map, String key, String value) {
        Map<String, String> out = new HashMap<>(map);
        if (value == null) {
            out.remove(key);
        } else {
            out.put(key, value);
        }
        return out;
    }

    /** Every prefix of {@code text}, the empty one and {@code text} itself included: a read cut short at each char. */
    public static List<String> prefixes(String text) {
        List<String> out = new ArrayList<>(text.length() + 1);
        for (int i = 0; i <= text.length(); i++) {
            out.add(text.substring(0, i));
        }
        return out;
    }

    /** Every prefix of the UTF-8 encoding of {@code text}: a read cut short at each byte. */
    public static List<byte[]> bytePrefixes(String text) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        List<byte[]> out = new ArrayList<>(all.length + 1);
        for (int i = 0; i <= all.length; i++) {
            out.add(Arrays.copyOf(all, i));
        }
        return out;
    }

    /**
     * {@code template} with every number that stands after a space or {@code =} (and is not part of a
     * decimal fraction) replaced by a random non-negative 64-bit value: still valid for the kernel's
     * flat-keyed and nested-keyed files, with values the fixture did not have.
     */
    public static Arbitrary<String> withRandomCounters(String template) {
        Matcher m = Pattern.compile("(?<=[ =])[0-9]+(?![0-9.])").matcher(template);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        Arbitrary<Long> counter = Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 1000), Arbitraries.of(0L, Long.MAX_VALUE));
        return counter.list().ofSize(spans.size()).map(values -> {
            StringBuilder out = new StringBuilder();
            int last = 0;
            for (int i = 0; i < spans.size(); i++) {
                out.append(template, last, spans.get(i)[0]).append(values.get(i));
                last = spans.get(i)[1];
            }
            return out.append(template.substring(last)).toString();
        });
    }

    /**
     * One edit; {@code a} and {@code b} pick a position, line or field modulo what there is, {@code text}
     * what is inserted, and {@code separator} what separates fields.
     */
    record Edit(Kind kind, int a, int b, String text, String separator, long huge) {
        @Override
        public String toString() {
            return kind + "(" + a + "," + b + ",[" + text + "],[" + separator + "]," + huge + ")";
        }
    }

    enum Kind {
        TRUNCATE, INSERT, DELETE_CHAR, NUMBER_AT_EDGE, HUGE_NUMBER, DROP_FIELD, DUPLICATE_FIELD, SWAP_FIELDS, FIELD_TO_MAX,
        DROP_LINE, DUPLICATE_LINE, SWAP_LINES, EMPTY_LINE, CRLF, TOGGLE_TRAILING_NEWLINE
    }

    private static Arbitrary<Edit> edit() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 4096);
        Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.of(INSERTIONS), Arbitraries.of(EDGE_NUMBERS));
        // uniform over [2^31, 2^63): nearly all of it overflows a multiplication by 100 or 1000
        Arbitrary<Long> huge = Arbitraries.longs().between(1L << 31, Long.MAX_VALUE)
                .withDistribution(RandomDistribution.uniform());
        return Combinators.combine(Arbitraries.of(Kind.class), index, index, text, Arbitraries.of(SEPARATORS), huge)
                .as(Edit::new);
    }

    static String apply(String valid, List<Edit> edits) {
        String s = valid;
        for (Edit e : edits) {
            s = apply(s, e);
        }
        return s;
    }

    private static String apply(String s, Edit e) {
        return switch (e.kind()) {
            case TRUNCATE -> s.substring(0, e.a() % (s.length() + 1));
            case INSERT -> {
                int at = e.a() % (s.length() + 1);
                yield s.substring(0, at) + e.text() + s.substring(at);
            }
            case DELETE_CHAR -> {
                if (s.isEmpty()) {
                    yield s;
                }
                int at = e.a() % s.length();
                yield s.substring(0, at) + s.substring(at + 1);
            }
            case NUMBER_AT_EDGE -> replaceNumber(s, e.a(), EDGE_NUMBERS.get(e.b() % EDGE_NUMBERS.size()));
            case HUGE_NUMBER -> replaceNumber(s, e.a(), Long.toString(e.huge()));
            case DROP_FIELD, DUPLICATE_FIELD, SWAP_FIELDS, FIELD_TO_MAX -> editFields(s, e);
            case DROP_LINE, DUPLICATE_LINE, SWAP_LINES, EMPTY_LINE -> editLines(s, e);
            case CRLF -> s.replace("\r\n", "\n").replace("\n", "\r\n");
            case TOGGLE_TRAILING_NEWLINE -> s.endsWith("\n") ? s.substring(0, s.length() - 1) : s + "\n";
        };
    }

    /** Replaces the {@code which}-th decimal number (modulo their count; with none, appends) by {@code by}. */
    private static String replaceNumber(String s, int which, String by) {
        List<int[]> numbers = new ArrayList<>();
        Matcher m = NUMBER.matcher(s);
        while (m.find()) {
            numbers.add(new int[] {m.start(), m.end()});
        }
        if (numbers.isEmpty()) {
            return s + by;
        }
        int[] n = numbers.get(which % numbers.size());
        return s.substring(0, n[0]) + by + s.substring(n[1]);
    }

    private static String editLines(String s, Edit e) {
        List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        int i = e.a() % lines.size();
        switch (e.kind()) {
            case DROP_LINE -> lines.remove(i);
            case DUPLICATE_LINE -> lines.add(i, lines.get(i));
            case SWAP_LINES -> {
                int j = e.b() % lines.size();
                String t = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, t);
            }
            default -> lines.add(i, "");
        }
        return String.join("\n", lines);
    }

    /** Fields are the parts of one line between {@code e.separator()}s. */
    private static String editFields(String s, Edit e) {
        String[] lines = s.split("\n", -1);
        int li = e.a() % lines.length;
        List<String> fields = new ArrayList<>(Arrays.asList(lines[li].split(Pattern.quote(e.separator()), -1)));
        int i = e.b() % fields.size();
        switch (e.kind()) {
            case DROP_FIELD -> fields.remove(i);
            case DUPLICATE_FIELD -> fields.add(i, fields.get(i));
            case SWAP_FIELDS -> {
                int j = (i + 1) % fields.size();
                String t = fields.get(i);
                fields.set(i, fields.get(j));
                fields.set(j, t);
            }
            default -> fields.set(i, "max");
        }
        lines[li] = String.join(e.separator(), fields);
        return String.join("\n", lines);
    }
}
