package io.servd.daemon.pressure;

import io.netty.channel.ChannelHandler;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.Limit;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shedding state of one service and the decision for each new HTTP request. Inputs arrive from a
 * {@link PressureWatch}: pressure events, {@code memory.current}, and the effective limits a
 * {@link io.servd.daemon.limits.LimitWatcher} reports ({@link #onMemoryLimit}); each input may give memory back ({@link MemoryRelief}) on the calling
 * thread, which must therefore never be an event loop. Event loops only read {@link #isShedding()}.
 *
 * <p>The state machine, with {@code limit} the lower of {@code memory.high} and {@code memory.max}:
 * <table>
 * <caption>transitions</caption>
 * <tr><th>input</th><th>not shedding</th><th>shedding</th></tr>
 * <tr><td>pressure event</td><td>give back; if the previous give-back was less than
 *     {@code quietPeriod} ago (it was not enough), shed</td><td>give back at most once per
 *     {@code quietPeriod}</td></tr>
 * <tr><td>{@code memory.current >= highWater × limit}</td><td>give back; if still above, shed</td>
 *     <td>—</td></tr>
 * <tr><td>limit lowered</td><td colspan="2">give back, then decide on the measured usage</td></tr>
 * <tr><td>limit raised</td><td colspan="2">earlier pressure events are forgotten (they were against
 *     the old limit)</td></tr>
 * <tr><td>any input</td><td>—</td><td>stop shedding once no pressure event came for
 *     {@code quietPeriod} and {@code memory.current < lowWater × limit}</td></tr>
 * </table>
 * One INFO line per change of state, never per request. Thread-safe.
 */
public final class LoadShedder {
    private static final Logger log = LoggerFactory.getLogger(LoadShedder.class);

    private final PressureOptions options;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final LongAdder shedRequests = new LongAdder();
    private final ShedResponse response;
    private final Set<ShedHandler> connections = ConcurrentHashMap.newKeySet();
    private volatile MemoryRelief relief;
    private volatile boolean shedding;

    // guarded by this
    private Optional<String> reason = Optional.empty();
    private Optional<Instant> since = Optional.empty();
    private long sheds;
    private boolean limitKnown;
    private OptionalLong effectiveLimit = OptionalLong.empty();
    private OptionalLong current = OptionalLong.empty();
    private OptionalLong lastPressure = OptionalLong.empty();
    private OptionalLong lastGiveBack = OptionalLong.empty();

    LoadShedder(PressureOptions options, MemoryRelief relief, LongSupplier nanoTime) {
        this(options, relief, nanoTime, Clock.systemUTC());
    }

    /** @param clock for {@link ShedStatus#since()} only; every decision runs on {@code nanoTime} */
    LoadShedder(PressureOptions options, MemoryRelief relief, LongSupplier nanoTime, Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.relief = Objects.requireNonNull(relief, "relief");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.response = new ShedResponse(options.retryAfter(), options.exemptPaths());
    }

    /**
     * A shedder that gives back Netty's pooled caches, the heap's free space and glibc's arenas, and
     * measures RSS until a {@link PressureWatch} measures {@code memory.current} instead.
     */
    public static LoadShedder create(PressureOptions options) {
        return new LoadShedder(options, new GiveBack(GiveBack.rss()), System::nanoTime);
    }

    /** The options this shedder decides with. */
    public PressureOptions options() {
        return options;
    }

    /** Whether new requests are refused now; a volatile read, cheap enough for every request. */
    public boolean isShedding() {
        return shedding;
    }

    /** The current decision, why and since when, and the counts, for {@code /readyz} and metrics. */
    public synchronized ShedStatus status() {
        return new ShedStatus(shedding, reason, since, sheds, shedRequests.sum());
    }

    /**
     * A new handler for one connection, to be put first in an HTTP/1.1 pipeline (before the codec).
     * While shedding it answers a connection's first request with a fixed {@code 503} carrying
     * {@code Retry-After} and {@code Connection: close} (paths in {@link PressureOptions#exemptPaths()}
     * excepted), and when shedding begins it asks open keep-alive connections to close after their
     * in-flight response ({@link io.servd.netpoll.Draining#REQUESTED}), so that their next request
     * arrives on a new connection and is refused before any HTTP decoding.
     */
    public ChannelHandler newHandler() {
        return new ShedHandler(this, response);
    }

    /**
     * The memory limits changed (or were read for the first time): the strictest of the cgroup and its
     * ancestors, as a {@link PressureWatch} hands them over from its limit watcher. A lower effective limit gives memory back on the calling thread at once.
     *
     * @param high {@code memory.high}; {@link Limit.Unlimited} for {@code max}
     * @param max  {@code memory.max}; {@link Limit.Unlimited} for {@code max}
     */
    public void onMemoryLimit(Limit<ByteSize> high, Limit<ByteSize> max) {
        OptionalLong limit = lower(bytes(high), bytes(max));
        OptionalLong before;
        boolean first;
        synchronized (this) {
            before = effectiveLimit;
            first = !limitKnown;
            if (!first && before.equals(limit)) {
                return;
            }
            limitKnown = true;
            effectiveLimit = limit;
            if (looser(limit, before)) {
                lastPressure = OptionalLong.empty(); // pressure seen against the old, tighter limit
            }
        }
        if (!first && looser(before, limit)) {
            Optional<ByteSize> after = giveBack("memory limit lowered from [" + human(before) + "] to ["
                    + human(limit) + "]");
            after.ifPresent(this::onMemoryCurrent);
        } else {
            synchronized (this) {
                maybeRecover("memory limit now [" + human(limit) + "]");
            }
        }
    }

    /** A pressure event: a PSI trigger fired, or systemd's watch socket/FIFO became readable. */
    public void onPressure() {
        long now = nanoTime.getAsLong();
        boolean notEnough;
        synchronized (this) {
            lastPressure = OptionalLong.of(now);
            boolean recentGiveBack = lastGiveBack.isPresent()
                    && now - lastGiveBack.getAsLong() < options.quietPeriod().toNanos();
            if (shedding && recentGiveBack) {
                return;
            }
            notEnough = !shedding && recentGiveBack;
        }
        if (notEnough) {
            enter("memory pressure persists after giving back");
        } else {
            giveBack("memory pressure");
        }
    }

    /** A sample of {@code memory.current} (or of RSS where no cgroup memory controller is available). */
    public void onMemoryCurrent(ByteSize usage) {
        long high;
        synchronized (this) {
            current = OptionalLong.of(usage.bytes());
            if (shedding || effectiveLimit.isEmpty() || usage.bytes() < highWaterBytes()) {
                maybeRecover("no memory pressure for [" + options.quietPeriod().toSeconds() + "] s");
                return;
            }
            high = highWaterBytes();
        }
        Optional<ByteSize> after = giveBack("memory.current [" + usage.humanReadable() + "] above high water ["
                + human(high) + "]");
        long now = after.map(ByteSize::bytes).orElse(usage.bytes());
        synchronized (this) {
            current = OptionalLong.of(now);
        }
        if (now >= high) {
            enter("memory.current [" + human(now) + "] above high water [" + human(high) + "] after giving back");
        }
    }

    /** Measure with {@code gauge} from now on ({@link PressureWatch}: {@code memory.current}). */
    void relieveWith(MemoryRelief r) {
        this.relief = Objects.requireNonNull(r, "relief");
    }

    /** A request was refused; on an event loop, so a striped add, no lock. */
    void refused() {
        shedRequests.increment();
    }

    void register(ShedHandler h) {
        connections.add(h);
    }

    void unregister(ShedHandler h) {
        connections.remove(h);
    }

    private Optional<ByteSize> giveBack(String why) {
        synchronized (this) {
            lastGiveBack = OptionalLong.of(nanoTime.getAsLong());
        }
        Set<Executor> loops = connections.stream().map(ShedHandler::eventLoop).collect(Collectors.toSet());
        return relief.giveBack(why, loops);
    }

    private void enter(String why) {
        synchronized (this) {
            if (shedding) {
                return;
            }
            shedding = true;
            reason = Optional.of(why);
            since = Optional.of(clock.instant());
            sheds++;
        }
        log.info("shedding load: {}; new requests get 503 with Retry-After [{}] s", why,
                options.retryAfter().toSeconds());
        connections.forEach(ShedHandler::closeAfterResponse);
    }

    /** Leaves shedding when pressure stayed away for the quiet period and usage is under the low water mark. */
    private void maybeRecover(String why) {
        if (!shedding) {
            return;
        }
        long now = nanoTime.getAsLong();
        boolean quiet = lastPressure.isEmpty() || now - lastPressure.getAsLong() >= options.quietPeriod().toNanos();
        boolean low = effectiveLimit.isEmpty() || current.isEmpty()
                || current.getAsLong() < (long) (effectiveLimit.getAsLong() * options.lowWater());
        if (quiet && low) {
            shedding = false;
            log.info("stopped shedding load: {}{}", why,
                    current.isPresent() && effectiveLimit.isPresent()
                            ? ", memory.current [" + human(current.getAsLong()) + "] of limit ["
                                    + human(effectiveLimit.getAsLong()) + "]"
                            : "");
            reason = Optional.empty();
            since = Optional.empty();
        }
    }

    private long highWaterBytes() {
        return (long) (effectiveLimit.getAsLong() * options.highWater());
    }

    private static OptionalLong bytes(Limit<ByteSize> limit) {
        Objects.requireNonNull(limit, "limit");
        return limit instanceof Limit.AtMost<ByteSize> at ? OptionalLong.of(at.value().bytes()) : OptionalLong.empty();
    }

    private static OptionalLong lower(OptionalLong a, OptionalLong b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.getAsLong() <= b.getAsLong() ? a : b;
    }

    /** Whether {@code a} allows more than {@code b} (empty is unlimited). */
    private static boolean looser(OptionalLong a, OptionalLong b) {
        return b.isPresent() && (a.isEmpty() || a.getAsLong() > b.getAsLong());
    }

    private static String human(OptionalLong bytes) {
        return bytes.isPresent() ? human(bytes.getAsLong()) : "max";
    }

    private static String human(long bytes) {
        return ByteSize.ofBytes(bytes).humanReadable();
    }
}
