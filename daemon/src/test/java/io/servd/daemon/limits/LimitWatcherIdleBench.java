package io.servd.daemon.limits;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The watcher's idle cost in CPU-seconds per hour: {@code java ... LimitWatcherIdleBench MINUTES MODE}
 * runs one watcher for MINUTES with nothing changing and prints, once a minute and at the end, the
 * CPU time of its thread and of the JDK's inotify thread (ThreadMXBean), scaled to an hour.
 * MODE {@code host} watches this process's real cgroup ({@link LimitWatcher#start()}); {@code tree}
 * watches a copy of the captured cgroup v2 tree (debian12-systemd252) under {@code java.io.tmpdir}:
 * every v2 file the watcher reads in production, PSI and inotify included, at the default 1 s.
 * Not a test: bench/results/2026-12-02-limit-watcher.txt has its output and the command.
 */
public final class LimitWatcherIdleBench {
    private LimitWatcherIdleBench() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = Integer.parseInt(args[0]);
        String mode = args[1];
        Path tmp = null;
        LimitWatcher watcher;
        if (mode.equals("host")) {
            watcher = LimitWatcher.start();
        } else {
            tmp = Files.createTempDirectory("limit-watcher-bench");
            watcher = LimitWatcher.start(CgroupTree.debian12(tmp).self(), LimitWatcher.Settings.defaults(2));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("mode %s, %d min, poll %s, memory.events %s, java %s, cpus online %d%n", mode, minutes,
                LimitWatcher.Settings.DEFAULT_POLL_INTERVAL, watcher.notified() ? "inotify"
                        : watcher.current().memoryEvents().isPresent() ? "polled" : "absent",
                Runtime.version(), HostCpus.read(HostCpus.ONLINE, 1));
        System.out.printf("limits: cpu [%s] memory %s%n", watcher.current().cpu().describe(),
                watcher.current().memory().describe());
        System.out.println("threads: " + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList());
        Instant start = Instant.now();
        long watcherBase = cpu(threads, LimitWatcher.THREAD_NAME);
        long inotifyBase = cpu(threads, "FileSystemWatch");
        for (int m = 1; m <= minutes; m++) {
            long wakeAt = start.plus(Duration.ofMinutes(m)).toEpochMilli();
            for (long left = wakeAt - System.currentTimeMillis(); left > 0; left = wakeAt - System.currentTimeMillis()) {
                Thread.sleep(left); // a bench waiting out its wall time, not a test synchronising
            }
            double hours = Duration.between(start, Instant.now()).toMillis() / 3_600_000.0;
            long w = cpu(threads, LimitWatcher.THREAD_NAME) - watcherBase;
            long i = cpu(threads, "FileSystemWatch") - inotifyBase;
            System.out.printf("t=%5.1f min  watcher thread %8.3f ms cpu (%.3f cpu-s/h)  inotify thread %7.3f ms (%.4f cpu-s/h)%n",
                    hours * 60, w / 1e6, w / 1e9 / hours, i / 1e6, i / 1e9 / hours);
        }
        watcher.close();
        if (tmp != null) {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** CPU nanoseconds of the live threads whose name starts with {@code prefix}. */
    private static long cpu(ThreadMXBean threads, String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }
}
