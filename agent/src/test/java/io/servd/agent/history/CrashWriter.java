package io.servd.agent.history;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The writer {@link HistoryCrashTest} kills: appends SyntheticHost frames to the store in
 * {@code args[0]} as fast as it can and prints each frame's index once {@code append} returned.
 */
final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        var host = new SyntheticHost(Integer.parseInt(args[1]), Duration.ofSeconds(5),
                Instant.parse("2026-12-03T03:00:00Z"), Long.parseLong(args[2]));
        var store = HistoryStore.open(Path.of(args[0]), Duration.ofDays(7), 1L << 30);
        for (int i = 0; ; i++) {
            store.append(host.next());
            System.out.println(i);
            System.out.flush();
        }
    }
}
