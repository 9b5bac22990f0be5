package io.servd.cgroup.unit;

import java.util.Locale;

/**
 * A fraction in units of 0.01 % (1/10000), as systemd's {@code parse_permyriad()} returns it:
 * {@code "50%"} is 5000, {@code "12.34%"} 1234, {@code "5‰"} 50, {@code "7‱"} 7.
 *
 * @param value non-negative; at most 10000 (100 %) where the directive is bounded
 */
public record Permyriad(int value) {

    public Permyriad {
        if (value < 0) {
            throw new IllegalArgumentException("negative permyriad [" + value + "]");
        }
    }

    /** Whether {@code text} is meant as a percentage at all (ends in %, ‰ or ‱). */
    static boolean looksLike(String text) {
        return text.endsWith("%") || text.endsWith("‰") || text.endsWith("‱");
    }

    /**
     * Parses as systemd's {@code parse_permyriad_unbounded()}: {@code "p%"}, {@code "p.q%"} or
     * {@code "p.qr%"}; {@code "p‰"} or {@code "p.q‰"}; {@code "p‱"}. Digits only: no sign, no white space.
     *
     * @param bounded reject values above 100 %
     * @throws InvalidDirectiveException naming {@code directive} and {@code text}
     */
    static Permyriad parse(String directive, String text, boolean bounded) {
        int result;
        if (text.endsWith("‱")) {
            result = scaled(directive, text, text.substring(0, text.length() - 1), 0, 1);
        } else if (text.endsWith("‰")) {
            result = scaled(directive, text, text.substring(0, text.length() - 1), 1, 10);
        } else if (text.endsWith("%")) {
            result = scaled(directive, text, text.substring(0, text.length() - 1), 2, 100);
        } else {
            throw new InvalidDirectiveException(directive, text, "not a percentage");
        }
        if (bounded && result > 10_000) {
            throw new InvalidDirectiveException(directive, text, "percentage above 100%");
        }
        return new Permyriad(result);
    }

    private static int scaled(String directive, String text, String number, int maxDecimals, int factor) {
        int dot = number.indexOf('.');
        String whole = dot < 0 ? number : number.substring(0, dot);
        String fraction = dot < 0 ? "" : number.substring(dot + 1);
        if (whole.isEmpty() || !digits(whole) || (dot >= 0 && (fraction.isEmpty() || !digits(fraction)))) {
            throw new InvalidDirectiveException(directive, text, "not a number");
        }
        if (fraction.length() > maxDecimals) {
            throw new InvalidDirectiveException(directive, text, "at most " + maxDecimals + " decimal places");
        }
        if (whole.length() > 10) {
            throw new InvalidDirectiveException(directive, text, "number out of range");
        }
        long value = Long.parseLong(whole) * factor;
        if (!fraction.isEmpty()) {
            // "12.5%" is 1250: the digits fill the places from the left
            value += Long.parseLong(fraction) * (factor / (int) Math.pow(10, fraction.length()));
        }
        if (value > Integer.MAX_VALUE) {
            throw new InvalidDirectiveException(directive, text, "number out of range");
        }
        return (int) value;
    }

    private static boolean digits(String s) {
        return s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** As systemd's {@code PERMYRIAD_AS_PERCENT_FORMAT_STR}: {@code "50.00%"}, {@code "12.34%"}. */
    public String formatPercent() {
        return String.format(Locale.ROOT, "%d.%02d%%", value / 100, value % 100);
    }

    /** {@code UINT32_MAX}: the denominator of systemd's 32-bit scale ({@code ...Scale} properties). */
    public static final long UINT32_MAX = 0xFFFF_FFFFL;

    /**
     * As systemd's {@code UINT32_SCALE_FROM_PERMYRIAD()}: the fraction relative to 2^32-1, rounded to the
     * closest; how {@code systemctl set-property} sends a percentage over D-Bus ({@code ...Scale}).
     * Values above 100 % are clamped, as in systemd. The only implementation of that arithmetic.
     *
     * @return 0..{@link #UINT32_MAX}
     */
    public long toUint32Scale() {
        long clamped = Math.min(value, 10_000);
        return (clamped * UINT32_MAX + 5000L) / 10_000L;
    }

    /**
     * As systemd's {@code UINT32_SCALE_TO_PERMYRIAD()}: what the server makes of a {@code ...Scale}
     * value when it writes the drop-in, rounded to the closest.
     *
     * @param scale 0..{@link #UINT32_MAX}
     * @throws IllegalArgumentException when {@code scale} is out of range
     */
    static Permyriad fromUint32Scale(long scale) {
        if (scale < 0 || scale > UINT32_MAX) {
            throw new IllegalArgumentException("uint32 scale out of range [" + scale + "]");
        }
        return new Permyriad((int) ((scale * 10_000L + UINT32_MAX / 2) / UINT32_MAX));
    }
}
