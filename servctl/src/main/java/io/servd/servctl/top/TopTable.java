package io.servd.servctl.top;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.PidsMax;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.unit.TimeSpan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.servd.servctl.cli.Sizes;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Lays out {@link TopRow}s as text lines, the same for the live view and {@code --batch}: a totals line,
 * a line saying which hierarchies are read and what is absent, a column header, then one line per row.
 * Sizes use systemd-cgtop's short binary units ({@code 184.0K}, {@code 1.2G}), or plain numbers with
 * {@code -r}; {@code -} means absent, {@code max} unlimited.
 */
public final class TopTable {

    /** Column titles and least widths after the path column, in order; Tasks and %CPU change with the view. */
    static final String[] TITLES = {"Tasks", "TasksMax", "%CPU", "Memory", "MemHigh", "MemMax", "%Mem", "Quota",
        "Thr%", "Input/s", "Output/s", "PSI10", "OOM", "Swap", "SwapMax", "State"};
    static final int[] WIDTHS = {6, 8, 6, 7, 7, 7, 5, 6, 5, 8, 8, 6, 4, 6, 7, 6};
    private static final int TASKS = 0;
    private static final int CPU = 2;
    /** The path column never gets narrower than this; longer paths are cut from the left. */
    static final int MIN_PATH = 16;
    /** The controllers top shows, by their v2 names. */
    static final List<String> SHOWN = List.of("cpu", "memory", "io", "pids");

    private TopTable() {
    }

    /**
     * The lines of one screen or one batch iteration. Columns widen for cells longer than their title
     * ({@code -r}'s byte counts, {@code --cpu=time}).
     *
     * @param frame   rows in display order, and what they count
     * @param mounts  what was read, for the second line
     * @param view    the order (named in the totals line), the CPU column, raw or human units
     * @param width   terminal columns; lines are cut to it
     * @param maxRows at most this many row lines (the rest are counted in the totals line)
     */
    public static List<String> format(TopReader.Frame frame, CgroupMounts mounts, TopView view, int width,
                                      int maxRows) {
        return format(frame, describe(mounts), view, width, maxRows);
    }

    /** As {@link #format(TopReader.Frame, CgroupMounts, TopView, int, int)}, with {@code source} as the second line. */
    static List<String> format(TopReader.Frame frame, String source, TopView view, int width, int maxRows) {
        List<TopRow> rows = frame.rows();
        Units units = new Units(view.raw());
        List<String> lines = new ArrayList<>();
        lines.add(cut(totals(frame, view), width));
        lines.add(cut(source, width));
        String[] titles = TITLES.clone();
        titles[TASKS] = frame.counting().title();
        titles[CPU] = view.cpu() == TopView.CpuColumn.TIME ? "CPU Time" : "%CPU";
        List<TopRow> shown = rows.subList(0, Math.min(rows.size(), Math.max(0, maxRows)));
        List<String[]> cells = new ArrayList<>();
        for (TopRow r : shown) {
            cells.add(new String[] {count(r.tasks()), pidsMax(r.pidsMax()), cpu(r, view, units),
                r.memory().map(m -> units.bytes(m.bytes())).orElse("-"),
                r.memoryHigh().map(h -> h.bytes().map(b -> units.bytes(b.bytes())).orElse("max")).orElse("-"),
                memoryMax(r.memoryMax(), units), percent(r.memoryUsedPercent()), quota(r),
                percent(r.throttledPercent()), units.rate(r.ioReadPerSec()), units.rate(r.ioWritePerSec()),
                percent(r.pressureAvg10()), count(r.oomKills()),
                r.swap().map(b -> units.bytes(b.bytes())).orElse("-"), limit(r.swapMax(), units),
                frame.states().activeStateOf(r.group())});
        }
        // units without a cgroup that are not inactive (a failed one), as servctl units shows them: state only
        List<String> names = new ArrayList<>();
        for (UnitStates.State u : frame.states().withoutCgroup()) {
            if (shown.size() + names.size() >= Math.max(0, maxRows)) {
                break;
            }
            String[] c = new String[TITLES.length];
            java.util.Arrays.fill(c, "-");
            c[c.length - 1] = u.activeState();
            cells.add(c);
            names.add(u.unit());
        }
        int[] widths = WIDTHS.clone();
        int fixed = 0;
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(widths[i], titles[i].length());
            for (String[] c : cells) {
                widths[i] = Math.max(widths[i], c[i].length());
            }
            fixed += widths[i] + 1;
        }
        int longest = Math.max(rows.stream().mapToInt(r -> r.group().length()).max().orElse(0),
                names.stream().mapToInt(String::length).max().orElse(0));
        int pathWidth = Math.max(MIN_PATH, Math.min(width - fixed, Math.max(longest, "Control Group".length())));
        StringBuilder header = new StringBuilder(pad("Control Group", pathWidth, false));
        for (int i = 0; i < titles.length; i++) {
            header.append(' ').append(pad(titles[i], widths[i], true));
        }
        lines.add(cut(header.toString(), width));
        for (int j = 0; j < cells.size(); j++) {
            String path = j < shown.size() ? shown.get(j).group() : names.get(j - shown.size());
            StringBuilder line = new StringBuilder(pad(leftCut(path, pathWidth), pathWidth, false));
            for (int i = 0; i < widths.length; i++) {
                line.append(' ').append(pad(cells.get(j)[i], widths[i], true));
            }
            lines.add(cut(line.toString(), width));
        }
        return lines;
    }

    /** CPU percent, or CPU time as systemd formats a time span ({@code 1min 2.5s}; microseconds with {@code -r}). */
    private static String cpu(TopRow r, TopView view, Units units) {
        if (view.cpu() == TopView.CpuColumn.PERCENTAGE) {
            return percent(r.cpuPercent());
        }
        return r.cpuTime().map(units::time).orElse("-");
    }

    /** Human units as systemd-cgtop prints them ({@code format_bytes()}, {@code format_timespan()}), or raw numbers. */
    private record Units(boolean raw) {
        String bytes(long n) {
            return raw ? Long.toString(n) : Sizes.format(n);
        }

        String rate(OptionalDouble perSec) {
            return perSec.isPresent() ? bytes(Math.max(0, Math.round(perSec.getAsDouble()))) : "-";
        }

        String perSecond(OptionalDouble v) {
            return v.isPresent() ? rate(v) + "/s" : "-";
        }

        String time(Duration t) {
            long micros = t.toNanos() / 1000;
            return raw ? Long.toString(micros) : TimeSpan.ofMicros(micros).format();
        }
    }

    /**
     * One line: where each shown controller is read from, and which are absent, e.g.
     * {@code hybrid: cgroup2 [hugetlb]; cpu from v1; memory from v1; absent: io pids}.
     */
    static String describe(CgroupMounts mounts) {
        List<String> parts = new ArrayList<>();
        parts.add(mounts.layout().label() + (mounts.unified().isPresent() ? ": cgroup2 " + mounts.v2Controllers() : ""));
        List<String> absent = new ArrayList<>();
        for (String c : SHOWN) {
            if (mounts.v2Controllers().contains(c)) {
                continue;
            }
            Optional<CgroupRoot> v1 = switch (c) {
                case "memory" -> mounts.memoryV1();
                case "pids" -> mounts.pidsV1();
                case "cpu" -> mounts.cpuacctV1();
                default -> Optional.empty();
            };
            if (v1.isPresent()) {
                parts.add(c + " from v1");
            } else {
                absent.add(c);
            }
        }
        if (!absent.isEmpty()) {
            parts.add("absent: " + String.join(" ", absent));
        }
        return String.join("; ", parts);
    }

    /**
     * {@code 7 cgroups | Tasks 312 | CPU 35.2% | Memory 1.2G | IO in 0B/s out 12.0K/s | order cpu | interval 1.0s}:
     * the root cgroup's value where it has one, else the sum over the root's children.
     */
    static String totals(TopReader.Frame frame, TopView view) {
        List<TopRow> rows = frame.rows();
        Units units = new Units(view.raw());
        Optional<TopRow> root = rows.stream().filter(r -> r.group().equals("/")).findFirst();
        List<TopRow> top = rows.stream().filter(r -> r.group().indexOf('/', 1) < 0 && !r.group().equals("/")).toList();
        OptionalDouble tasks = total(root, top, r -> r.tasks().isPresent() ? OptionalDouble.of(r.tasks().getAsLong())
                : OptionalDouble.empty());
        OptionalDouble cpu = total(root, top, TopRow::cpuPercent);
        OptionalDouble memory = total(root, top, r -> r.memory().map(m -> OptionalDouble.of(m.bytes()))
                .orElse(OptionalDouble.empty()));
        OptionalDouble in = total(root, top, TopRow::ioReadPerSec);
        OptionalDouble out = total(root, top, TopRow::ioWritePerSec);
        return String.format(Locale.ROOT,
                "%d cgroups | %s %s | CPU %s | Memory %s | IO in %s out %s | order %s | interval %.1fs",
                rows.size(), frame.counting().title(),
                tasks.isPresent() ? Long.toString((long) tasks.getAsDouble()) : "-",
                percent(cpu) + (cpu.isPresent() ? "%" : ""),
                memory.isPresent() ? units.bytes((long) memory.getAsDouble()) : "-", units.perSecond(in),
                units.perSecond(out), view.order().label(), frame.interval().toNanos() / 1e9);
    }

    private static OptionalDouble total(Optional<TopRow> root, List<TopRow> top, Function<TopRow, OptionalDouble> f) {
        if (root.isPresent() && f.apply(root.get()).isPresent()) {
            return f.apply(root.get());
        }
        double sum = 0;
        boolean any = false;
        for (TopRow r : top) {
            OptionalDouble v = f.apply(r);
            if (v.isPresent()) {
                sum += v.getAsDouble();
                any = true;
            }
        }
        return any ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }

    private static String percent(OptionalDouble p) {
        return p.isPresent() ? String.format(Locale.ROOT, "%.1f", p.getAsDouble()) : "-";
    }

    private static String count(OptionalLong n) {
        return n.isPresent() ? Long.toString(n.getAsLong()) : "-";
    }

    private static String pidsMax(Optional<PidsMax> max) {
        if (max.isEmpty()) {
            return "-";
        }
        return max.get().limit() instanceof Limit.AtMost<Long> at ? Long.toString(at.value()) : "max";
    }

    private static String memoryMax(Optional<MemoryMax> max, Units units) {
        return limit(max.map(MemoryMax::limit), units);
    }

    /** A byte limit: its size, {@code max} when unlimited, {@code -} when absent. */
    private static String limit(Optional<Limit<ByteSize>> max, Units units) {
        if (max.isEmpty()) {
            return "-";
        }
        return max.get() instanceof Limit.AtMost<ByteSize> at ? units.bytes(at.value().bytes()) : "max";
    }

    private static String quota(TopRow r) {
        if (r.cpuMax().isEmpty()) {
            return "-";
        }
        OptionalDouble q = r.cpuQuotaPercent();
        return q.isPresent() ? String.format(Locale.ROOT, "%.0f%%", q.getAsDouble()) : "max";
    }

    private static String pad(String s, int width, boolean right) {
        if (s.length() >= width) {
            return s;
        }
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }

    /** Keeps the end of a long path, where the unit name is: {@code ..e.slice/foo.service}. */
    private static String leftCut(String path, int width) {
        return path.length() <= width ? path : ".." + path.substring(path.length() - width + 2);
    }

    static String cut(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width));
    }
}
