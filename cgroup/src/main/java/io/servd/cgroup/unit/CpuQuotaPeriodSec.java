package io.servd.cgroup.unit;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code CPUQuotaPeriodSec=}: the period of {@code cpu.max}. Empty or {@code infinity} means the default
 * (100 ms). The value is clamped when applied, see {@link CpuQuota#toCpuMax(CpuQuotaPeriodSec)}.
 *
 * @param period the requested period; empty for the default
 */
public record CpuQuotaPeriodSec(Optional<TimeSpan> period) implements ResourceDirective {

    public CpuQuotaPeriodSec {
        Objects.requireNonNull(period, "period");
    }

    /** The default period. */
    public static CpuQuotaPeriodSec defaultPeriod() {
        return new CpuQuotaPeriodSec(Optional.empty());
    }

    /**
     * Parses as {@code parse_sec_def_infinity()}: empty or {@code infinity} is the default, otherwise a time span.
     *
     * @throws InvalidDirectiveException naming {@code text}
     */
    public static CpuQuotaPeriodSec parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        if (s.isEmpty() || s.equals("infinity")) {
            return defaultPeriod();
        }
        return new CpuQuotaPeriodSec(Optional.of(TimeSpan.parse("CPUQuotaPeriodSec", text)));
    }

    @Override
    public String name() {
        return "CPUQuotaPeriodSec";
    }

    @Override
    public String format() {
        return period.map(TimeSpan::format).orElse("");
    }

    /** As systemd writes it: {@code CPUQuotaPeriodSec=} plus {@code format_timespan(period, 1)}, or nothing. */
    @Override
    public String dropInLine() {
        return "CPUQuotaPeriodSec=" + format();
    }
}
