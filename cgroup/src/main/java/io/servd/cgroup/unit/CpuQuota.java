package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.fs.CgroupFile;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code CPUQuota=}: CPU time per wall-clock time as a percentage, where 100% is one CPU and values
 * above 100% allow several. An empty value removes the quota.
 *
 * @param share the quota; empty for no quota ({@code CPUQuota=})
 */
public record CpuQuota(Optional<Permyriad> share) implements ResourceDirective {

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long MIN_MICROS = 1_000L;

    public CpuQuota {
        Objects.requireNonNull(share, "share");
        if (share.isPresent() && share.get().value() == 0) {
            throw new InvalidDirectiveException("CPUQuota", share.get().formatPercent(), "CPU quota too small");
        }
    }

    /** A quota of {@code percent} % (100 is one CPU). */
    public static CpuQuota percent(int percent) {
        if (percent <= 0 || percent > Integer.MAX_VALUE / 100) {
            throw new InvalidDirectiveException("CPUQuota", percent + "%", "CPU quota out of range");
        }
        return new CpuQuota(Optional.of(new Permyriad(percent * 100)));
    }

    /** No quota. */
    public static CpuQuota none() {
        return new CpuQuota(Optional.empty());
    }

    /**
     * Parses as {@code systemctl set-property} does: {@code parse_permyriad_unbounded()}, 0 rejected.
     *
     * @throws InvalidDirectiveException naming {@code text}
     */
    public static CpuQuota parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return none();
        }
        Permyriad share = Permyriad.parse("CPUQuota", text, false);
        if (share.value() == 0) {
            throw new InvalidDirectiveException("CPUQuota", text, "CPU quota too small");
        }
        return new CpuQuota(Optional.of(share));
    }

    /** CPU time allowed per second of wall time, as systemd stores it ({@code CPUQuotaPerSecUSec}); empty for none. */
    public Optional<Duration> perSecond() {
        return share.map(s -> Duration.ofNanos(s.value() * 100L * 1000L));
    }

    @Override
    public DirectiveKind kind() {
        return DirectiveKind.CPU_QUOTA;
    }

    @Override
    public String format() {
        return share.map(Permyriad::formatPercent).orElse("");
    }

    /**
     * As systemd writes it: whole percent, truncated ({@code "CPUQuota=%0.f%%"} of
     * {@code CPUQuotaPerSecUSec / 10000}), so {@code CPUQuota=12.5%} persists as {@code CPUQuota=12%}.
     */
    @Override
    public String dropInLine() {
        return "CPUQuota=" + share.map(s -> (s.value() / 100) + "%").orElse("");
    }

    /** systemd writes this property's drop-in as {@code 50-CPUQuota.conf}, not after the D-Bus name. */
    @Override
    public String dropInName() {
        return name();
    }

    /**
     * {@code CPUQuotaPerSecUSec t <µs per second>} (permyriad × 1 s / 10000), or {@code UINT64_MAX}
     * ({@code USEC_INFINITY}) for no quota.
     */
    @Override
    public DbusProperty dbusProperty() {
        return DbusProperty.uint64(DirectiveKind.CPU_QUOTA.valueProperty(),
                perSecond().map(d -> d.toNanos() / 1000L).orElse(DbusProperty.UINT64_MAX));
    }

    /**
     * {@code cpu.max} from this quota and the unit's {@code CPUQuotaPeriodSec=} (default 100 ms when unset),
     * see {@link #toCpuMax(CpuQuotaPeriodSec)}.
     */
    @Override
    public List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings) {
        CpuQuotaPeriodSec period = settings.get(DirectiveKind.CPU_QUOTA_PERIOD_SEC)
                .map(CpuQuotaPeriodSec.class::cast).orElse(CpuQuotaPeriodSec.defaultPeriod());
        return List.of(new CgroupWrite(CgroupFile.CPU_MAX, toCpuMax(period).formatCgroup()));
    }

    /**
     * systemd's {@code cgroup_apply_unified_cpu_quota()}: without a quota {@code max 100000} (the default
     * period, whatever {@code CPUQuotaPeriodSec=} says). With a quota the period (default 100 ms) is
     * raised until the quota is at least 1 ms, clamped to [1 ms, 1 s], and the quota is
     * {@code max(perSecond × period / 1 s, 1 ms)}.
     */
    public CpuMax toCpuMax(CpuQuotaPeriodSec period) {
        Objects.requireNonNull(period, "period");
        if (share.isEmpty()) {
            return CpuMax.unlimited(CpuMax.DEFAULT_PERIOD);
        }
        long quotaPerSec = share.get().value() * 100L;
        long periodMicros = period.period().map(TimeSpan::micros).orElse(CpuMax.DEFAULT_PERIOD.toNanos() / 1000L);
        long adjusted = Math.min(Math.max(Math.max(periodMicros, MIN_MICROS), MIN_MICROS * MICROS_PER_SECOND / quotaPerSec),
                MICROS_PER_SECOND);
        long quota = Math.max(Math.multiplyExact(quotaPerSec, adjusted) / MICROS_PER_SECOND, MIN_MICROS);
        return CpuMax.of(Duration.ofNanos(quota * 1000L), Duration.ofNanos(adjusted * 1000L));
    }
}
