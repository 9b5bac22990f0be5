package io.servd.cgroup.unit;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.Limit;
import io.servd.cgroup.fs.CgroupFile;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * {@code MemoryMin=}, {@code MemoryLow=}, {@code MemoryHigh=}, {@code MemoryMax=}, {@code MemorySwapMax=},
 * {@code MemoryZSwapMax=} (systemd 253+):
 * bytes with an optional base-1024 suffix K, M, G, T, P, E (decimals allowed, parts may be summed:
 * {@code "1G 512M"}), a percentage of physical memory, or {@code infinity}. An empty value resets to the
 * default, as {@code systemctl set-property} sends it: 0 for MemoryMin/MemoryLow, infinity otherwise.
 *
 * @param property which directive
 * @param value    the parsed value
 */
public record MemoryDirective(Property property, Value value) implements ResourceDirective {

    /** The five memory directives, their cgroup file and systemd's bounds. */
    public enum Property {
        MEMORY_MIN(DirectiveKind.MEMORY_MIN, CgroupFile.MEMORY_MIN, 0),
        MEMORY_LOW(DirectiveKind.MEMORY_LOW, CgroupFile.MEMORY_LOW, 0),
        MEMORY_HIGH(DirectiveKind.MEMORY_HIGH, CgroupFile.MEMORY_HIGH, 1),
        MEMORY_MAX(DirectiveKind.MEMORY_MAX, CgroupFile.MEMORY_MAX, 1),
        MEMORY_SWAP_MAX(DirectiveKind.MEMORY_SWAP_MAX, CgroupFile.MEMORY_SWAP_MAX, 0),
        /** systemd 253+ ({@link DirectiveKind#minimumSystemd()}), Linux 5.19+ ({@code memory.zswap.max}). */
        MEMORY_ZSWAP_MAX(DirectiveKind.MEMORY_ZSWAP_MAX, CgroupFile.MEMORY_ZSWAP_MAX, 0);

        private final DirectiveKind kind;
        private final CgroupFile file;
        private final long minimumBytes;

        Property(DirectiveKind kind, CgroupFile file, long minimumBytes) {
            this.kind = kind;
            this.file = file;
            this.minimumBytes = minimumBytes;
        }

        /** The directive, e.g. {@link DirectiveKind#MEMORY_MAX}. */
        public DirectiveKind kind() {
            return kind;
        }

        /** The directive's name, e.g. {@code "MemoryMax"}. */
        public String directive() {
            return kind.directive();
        }

        /** The cgroup v2 file it sets, e.g. {@code memory.max}. */
        public CgroupFile file() {
            return file;
        }
    }

    /** A byte count, a share of physical memory, or no limit. */
    public sealed interface Value permits Bytes, Percent, Infinity {
    }

    public record Bytes(ByteSize size) implements Value {
        public Bytes {
            Objects.requireNonNull(size, "size");
        }
    }

    public record Percent(Permyriad share) implements Value {
        public Percent {
            Objects.requireNonNull(share, "share");
            if (share.value() > 10_000) {
                throw new IllegalArgumentException("memory percentage above 100% [" + share.formatPercent() + "]");
            }
        }
    }

    public record Infinity() implements Value {
    }

    private record Suffix(String name, long factor) {
    }

    private static final List<Suffix> SUFFIXES = List.of(
            new Suffix("E", 1L << 60), new Suffix("P", 1L << 50), new Suffix("T", 1L << 40),
            new Suffix("G", 1L << 30), new Suffix("M", 1L << 20), new Suffix("K", 1L << 10),
            new Suffix("B", 1L), new Suffix("", 1L));
    /** {@code parse_size()}'s table for base 1000 (the I/O bandwidths and IOPS). */
    private static final List<Suffix> SI_SUFFIXES = List.of(
            new Suffix("E", 1_000_000_000_000_000_000L), new Suffix("P", 1_000_000_000_000_000L),
            new Suffix("T", 1_000_000_000_000L), new Suffix("G", 1_000_000_000L), new Suffix("M", 1_000_000L),
            new Suffix("K", 1_000L), new Suffix("B", 1L), new Suffix("", 1L));

    public MemoryDirective {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(value, "value");
        if (value instanceof Bytes b && b.size().bytes() < property.minimumBytes) {
            throw new InvalidDirectiveException(property.directive(), Long.toString(b.size().bytes()), "out of range");
        }
        if (value instanceof Percent p && p.share().value() == 0 && property.minimumBytes > 0) {
            throw new InvalidDirectiveException(property.directive(), p.share().formatPercent(), "out of range");
        }
    }

    /**
     * Parses a value the way {@code systemctl set-property} does ({@code bus_append_cgroup_property}).
     *
     * @throws InvalidDirectiveException naming the directive and {@code text}
     */
    public static MemoryDirective parse(Property property, String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals("infinity")) {
            return new MemoryDirective(property, new Infinity());
        }
        if (text.isEmpty()) {
            return new MemoryDirective(property, property.minimumBytes == 0 && property != Property.MEMORY_SWAP_MAX
                    && property != Property.MEMORY_ZSWAP_MAX
                    ? new Bytes(ByteSize.ofBytes(0)) : new Infinity());
        }
        if (Permyriad.looksLike(text)) {
            Permyriad share = Permyriad.parse(property.directive(), text, true);
            if (share.value() == 0 && property.minimumBytes > 0) {
                throw new InvalidDirectiveException(property.directive(), text, "out of range");
            }
            return new MemoryDirective(property, new Percent(share));
        }
        long bytes = parseSize(property.directive(), text);
        if (bytes < property.minimumBytes) {
            throw new InvalidDirectiveException(property.directive(), text, "out of range");
        }
        return new MemoryDirective(property, new Bytes(ByteSize.ofBytes(bytes)));
    }

    /**
     * A size as systemd's {@code parse_size(t, 1024)} reads it ({@code 256M}, {@code 1G 512M}, a bare
     * number is bytes), for directives that take bytes only (no percentage, no {@code infinity}).
     *
     * @throws InvalidDirectiveException naming {@code directive} and {@code text}
     */
    public static ByteSize parseBytes(String directive, String text) {
        return ByteSize.ofBytes(parseSize(directive, text));
    }

    /** systemd's {@code parse_size(t, 1024)}: parts in descending units, each {@code N[.F][ ]SUFFIX}. */
    static long parseSize(String directive, String text) {
        return parseSize(directive, text, text, 1024);
    }

    /**
     * systemd's {@code parse_size(s, base)}, base 1024 or 1000.
     *
     * @param text the whole value, named in the exception
     * @param s    the part of it that is the size
     */
    static long parseSize(String directive, String text, String s, int base) {
        List<Suffix> table = base == 1000 ? SI_SUFFIXES : SUFFIXES;
        long total = 0;
        int start = 0;
        int i = 0;
        do {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int digits = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == digits) {
                throw new InvalidDirectiveException(directive, text, "not a size");
            }
            String whole = s.substring(digits, i);
            String fraction = "";
            if (i < s.length() && s.charAt(i) == '.') {
                int f = ++i;
                while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                }
                fraction = s.substring(f, i);
            }
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int matched = -1;
            for (int k = start; k < table.size(); k++) {
                if (s.startsWith(table.get(k).name(), i)) {
                    matched = k;
                    break;
                }
            }
            if (matched < 0) {
                throw new InvalidDirectiveException(directive, text, "unknown size suffix");
            }
            Suffix suffix = table.get(matched);
            try {
                long part = Math.multiplyExact(Long.parseLong(whole), suffix.factor());
                if (!fraction.isEmpty()) {
                    part = Math.addExact(part, new BigDecimal("0." + fraction)
                            .multiply(BigDecimal.valueOf(suffix.factor())).longValue());
                }
                total = Math.addExact(total, part);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new InvalidDirectiveException(directive, text, "size out of range");
            }
            i += suffix.name().length();
            start = matched + 1;
        } while (i < s.length());
        return total;
    }

    @Override
    public DirectiveKind kind() {
        return property.kind;
    }

    @Override
    public String format() {
        if (value instanceof Bytes b) {
            return Long.toString(b.size().bytes());
        }
        if (value instanceof Percent p) {
            return p.share().formatPercent();
        }
        return "infinity";
    }

    /**
     * As {@code BUS_DEFINE_SET_CGROUP_LIMIT} writes it: {@code MemoryMax=1610612736}, {@code MemoryMax=infinity},
     * or for a percentage the value after its round trip through systemd's 32-bit scale, {@code MemoryMax=50.00%}.
     */
    @Override
    public String dropInLine() {
        if (value instanceof Percent p) {
            return name() + "=" + Permyriad.fromUint32Scale(p.share().toUint32Scale()).formatPercent();
        }
        return name() + "=" + format();
    }

    /**
     * {@code MemoryMax t <bytes>}, {@code MemoryMax t UINT64_MAX} ({@code CGROUP_LIMIT_MAX}) for infinity,
     * or {@code MemoryMaxScale u <share of UINT32_MAX>} for a percentage, which systemd scales against its
     * own physical memory.
     */
    @Override
    public DbusProperty dbusProperty() {
        if (value instanceof Bytes b) {
            return DbusProperty.uint64(name(), b.size().bytes());
        }
        if (value instanceof Percent p) {
            return DbusProperty.uint32(kind().scaleProperty(), p.share().toUint32Scale());
        }
        return DbusProperty.uint64(name(), DbusProperty.UINT64_MAX);
    }

    /**
     * The limit in bytes systemd applies: percentages via {@code physical_memory_scale()} on the 32-bit
     * scale, as after {@code set-property}.
     *
     * @throws InvalidDirectiveException when a percentage comes to less than the directive's minimum
     *                                   ({@code MemoryMax=0%})
     */
    public Limit<ByteSize> resolve(HostResources host) {
        if (value instanceof Bytes b) {
            return Limit.atMost(b.size());
        }
        if (value instanceof Percent p) {
            long bytes = host.scaleMemory(p.share().toUint32Scale(), Permyriad.UINT32_MAX);
            if (bytes < property.minimumBytes) {
                throw new InvalidDirectiveException(name(), format(), "out of range on this host");
            }
            return Limit.atMost(ByteSize.ofBytes(bytes));
        }
        return Limit.unlimited();
    }

    /**
     * The cgroup v2 write: {@code memory.max=<bytes>} or {@code memory.max=max} for infinity.
     *
     * @throws InvalidDirectiveException when a percentage comes to less than the directive's minimum on {@code host}
     */
    public CgroupWrite cgroupWrite(HostResources host) {
        return new CgroupWrite(property.file, ByteSize.formatCgroupLimit(resolve(host)));
    }

    /** {@link #cgroupWrite(HostResources)}; memory files do not depend on other directives. */
    @Override
    public List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings) {
        return List.of(cgroupWrite(host));
    }
}
