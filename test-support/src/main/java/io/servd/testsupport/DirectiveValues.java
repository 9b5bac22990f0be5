package io.servd.testsupport;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Values in {@code systemctl set-property} syntax for each settable resource directive (issue 16: every
 * value a directive can take must round-trip through the agent's API and servctl), by value class:
 * plain and suffixed bytes (K M G T P E, base 1024, decimals, sums), percentages, {@code infinity}, the
 * empty reset, {@code idle}, counts, and the edges: 0, the largest value a long holds, the first beyond
 * it ({@code 8E}, {@code 16E}), 0 % and 100 %. Some are invalid on purpose: a round trip must refuse those
 * the way the parser does. Names are strings, not the cgroup library's types (test-support reaches no servd
 * code): {@link #forDirective} throws for a name it has no values for, so a new directive fails the tests
 * that iterate over the settable list until it has some.
 */
public final class DirectiveValues {

    private DirectiveValues() {
    }

    /**
     * One valid value per directive name, as a user would type it: the samples the API and servctl tests send
     * for every name ({@code CPUQuotaPeriodSec} included, which the API refuses by name).
     */
    public static final java.util.Map<String, String> SAMPLES = java.util.Map.ofEntries(
            java.util.Map.entry("MemoryMin", "16M"), java.util.Map.entry("MemoryLow", "1G"),
            java.util.Map.entry("MemoryHigh", "50%"), java.util.Map.entry("MemoryMax", "64M"),
            java.util.Map.entry("MemorySwapMax", "0"), java.util.Map.entry("MemoryZSwapMax", "1G"),
            java.util.Map.entry("CPUQuota", "50%"), java.util.Map.entry("CPUQuotaPeriodSec", "7ms"),
            java.util.Map.entry("CPUWeight", "idle"), java.util.Map.entry("StartupCPUWeight", "50"),
            java.util.Map.entry("TasksMax", "100"), java.util.Map.entry("IOWeight", "500"),
            java.util.Map.entry("StartupIOWeight", ""), java.util.Map.entry("AllowedCPUs", "0-1 3"),
            java.util.Map.entry("AllowedMemoryNodes", "0"), java.util.Map.entry("IODeviceWeight", "/dev/vda 500"),
            java.util.Map.entry("IOReadBandwidthMax", "/dev/vda 1M"), java.util.Map.entry("IOWriteBandwidthMax", "/var/lib 2G"),
            java.util.Map.entry("IOReadIOPSMax", "/dev/vda 1K"), java.util.Map.entry("IOWriteIOPSMax", "/dev/vda infinity"));

    /** Values for {@code directive}, e.g. {@code "MemoryMax"}. */
    public static Arbitrary<String> forDirective(String directive) {
        return switch (directive) {
            case "MemoryMin", "MemoryLow", "MemoryHigh", "MemoryMax", "MemorySwapMax", "MemoryZSwapMax" -> memory();
            case "CPUQuota" -> cpuQuota();
            case "CPUWeight", "StartupCPUWeight" -> cpuWeight();
            case "IOWeight", "StartupIOWeight" -> ioWeight();
            case "AllowedCPUs", "AllowedMemoryNodes" -> cpuSets();
            case "IODeviceWeight" -> deviceValues(Arbitraries.integers().between(0, 10_001).map(Object::toString));
            case "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax" -> deviceValues(Arbitraries.oneOf(
                    Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf),
                    Arbitraries.of("infinity", "1K", "1.5M", "5M", "1G", "2T", "9E", "10E", "18446744073709551615", "-1", "")));
            case "TasksMax" -> tasks();
            case "CPUQuotaPeriodSec" -> timeSpans();
            default -> throw new IllegalArgumentException("no values for directive [" + directive + "]: add them here");
        };
    }

    /** Bytes, suffixed sizes, sums, percentages of RAM, {@code infinity}, the empty reset, and 64-bit edges. */
    public static Arbitrary<String> memory() {
        Arbitrary<String> plain = Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf);
        Arbitrary<String> suffixed = Combinators.combine(Arbitraries.integers().between(0, 1023),
                        Arbitraries.of("", ".5", ".25", ".125"), Arbitraries.of("", " "), Arbitraries.of("K", "M", "G", "T", "P", "B"))
                .as((n, fraction, space, suffix) -> n + fraction + space + suffix);
        Arbitrary<String> sums = Combinators.combine(Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 1023))
                .as((g, m) -> g + "G " + m + "M");
        return Arbitraries.oneOf(plain, suffixed, sums, percent(0, 100), Arbitraries.of(
                "infinity", "", "0", "1", "16M", "48M", "64M", "1.5G", "7E", "7.5E", "8E", "16E",
                "9223372036854775807", "9223372036854775808", "18446744073709551615", "0%", "100%", "100.01%",
                "64Q", "-1", "1G 2G"));
    }

    /** {@code N%} and {@code N.N%} (above 100 % too), the empty reset, and the refused {@code 0%}. */
    public static Arbitrary<String> cpuQuota() {
        return Arbitraries.oneOf(percent(0, 10_000), Arbitraries.of("", "1%", "12.5%", "50%", "100%", "200%", "0%",
                "0.01%", "50", "-5%"));
    }

    /** 1..10000, {@code idle}, the empty reset, and the refused 0 and 10001. */
    public static Arbitrary<String> cpuWeight() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 10_001).map(Object::toString),
                Arbitraries.of("idle", "", "1", "100", "10000", "0", "10001", "IDLE", "-1"));
    }

    /** 1..10000, the empty reset, and the refused 0, 10001 and {@code idle} (the CPU weight's alone). */
    public static Arbitrary<String> ioWeight() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 10_001).map(Object::toString),
                Arbitraries.of("", "1", "100", "10000", "0", "10001", "idle", "-1"));
    }

    /** CPU lists as systemd reads them: {@code 0}, {@code 0-3}, {@code 0,2}, {@code 0-1 3}, the empty reset, 8191/8192. */
    public static Arbitrary<String> cpuSets() {
        Arbitrary<String> range = Combinators.combine(Arbitraries.integers().between(0, 64), Arbitraries.integers().between(0, 64))
                .as((a, b) -> a + "-" + b);
        Arbitrary<String> single = Arbitraries.integers().between(0, 8192).map(Object::toString);
        return Arbitraries.oneOf(range, single, Combinators.combine(single, range, Arbitraries.of(" ", ",", ", "))
                .as((a, b, sep) -> a + sep + b), Arbitraries.of("", "0", "0-1", "8191", "8192", "3-1", "-1", "1-", "0x1"));
    }

    /** {@code DEV VALUE} for the I/O device lists: device paths, the value class given, the empty reset. */
    private static Arbitrary<String> deviceValues(Arbitrary<String> values) {
        Arbitrary<String> device = Arbitraries.of("/dev/vda", "/dev/sda1", "/dev/block/254:0", "/var/lib", "/dev//vda", "/dev/../vda");
        return Arbitraries.oneOf(Combinators.combine(device, values).as((d, v) -> d + " " + v), Arbitraries.of("", "/dev/vda"));
    }

    /** Counts up to a long, percentages of the system's limit, {@code infinity}, the empty reset. */
    public static Arbitrary<String> tasks() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf), percent(0, 100),
                Arbitraries.of("infinity", "", "1", "100", "40%", "0", "100%", "0%", "9223372036854775807",
                        "18446744073709551615", "1K"));
    }

    /** Time spans as systemd writes them ({@code 7ms}, {@code 1s}, {@code 1min}), {@code infinity}, the empty default. */
    public static Arbitrary<String> timeSpans() {
        return Arbitraries.oneOf(Combinators.combine(Arbitraries.integers().between(0, 2000),
                        Arbitraries.of("us", "ms", "s", "min"))
                .as((n, unit) -> n + unit), Arbitraries.of("", "infinity", "100ms", "1s", "0"));
    }

    /** {@code N%} or {@code N.N%} / {@code N.NN%} with the whole part in [min, max]. */
    private static Arbitrary<String> percent(int min, int max) {
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.of("", ".5", ".25", ".01"))
                .as((n, fraction) -> n + fraction + "%");
    }

    /** Every value class's fixed edges, for example-based tests that want each one once. */
    public static List<String> edges(String directive) {
        return switch (directive) {
            case "MemoryMin", "MemoryLow", "MemoryHigh", "MemoryMax", "MemorySwapMax", "MemoryZSwapMax" ->
                    List.of("infinity", "", "0", "64M", "1.5G", "1G 512M", "50%", "100%", "7E", "8E", "16E");
            case "CPUQuota" -> List.of("", "50%", "12.5%", "200%", "0%");
            case "CPUWeight", "StartupCPUWeight" -> List.of("", "idle", "1", "10000", "0", "10001");
            case "IOWeight", "StartupIOWeight" -> List.of("", "1", "10000", "0", "10001", "idle");
            case "AllowedCPUs", "AllowedMemoryNodes" -> List.of("", "0", "0-1", "0-1 3", "0,2-3", "8191", "8192", "3-1", "1-");
            case "IODeviceWeight" -> List.of("", "/dev/vda 500", "/dev/vda 1", "/dev/vda 10000", "/dev/vda 0", "/dev/vda", "/dev//vda 5");
            case "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax" -> List.of("", "/dev/vda 1M",
                    "/dev/vda infinity", "/dev/vda 1.5K", "/dev/vda 9223372036854775807", "/dev/vda 10E", "/dev/vda", "/dev/vda -1");
            case "TasksMax" -> List.of("infinity", "", "100", "40%", "0", "100%", "9223372036854775807");
            case "CPUQuotaPeriodSec" -> List.of("", "7ms", "1s", "infinity");
            default -> throw new IllegalArgumentException("no values for directive [" + directive + "]: add them here");
        };
    }
}
