package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.fs.CgroupFile;

import java.util.List;
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
    public DirectiveKind kind() {
        return DirectiveKind.CPU_QUOTA_PERIOD_SEC;
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

    /** systemd writes this property's drop-in as {@code 50-CPUQuotaPeriodSec.conf}, not after the D-Bus name. */
    @Override
    public String dropInName() {
        return name();
    }

    /**
     * {@code CPUQuotaPeriodUSec t <µs>}, or {@code UINT64_MAX} ({@code USEC_INFINITY}) for the default, as
     * systemd 252's {@code bus_append_unit_property_assignment()} sends it after
     * {@code parse_sec_def_infinity()}. Taken from systemd's source: the VM capture does not cover it.
     */
    @Override
    public DbusProperty dbusProperty() {
        return DbusProperty.uint64(DirectiveKind.CPU_QUOTA_PERIOD_SEC.valueProperty(), period.map(TimeSpan::micros).orElse(DbusProperty.UINT64_MAX));
    }

    /**
     * Without {@code CPUQuota=}, {@code cpu.max=max 100000}: systemd applies the default period when there is
     * no quota. With one, nothing: the quota's {@code cpu.max} carries this period.
     */
    @Override
    public List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings) {
        if (settings.get(DirectiveKind.CPU_QUOTA).isPresent()) {
            return List.of();
        }
        return List.of(new CgroupWrite(CgroupFile.CPU_MAX, CpuQuota.none().toCpuMax(this).formatCgroup()));
    }
}
