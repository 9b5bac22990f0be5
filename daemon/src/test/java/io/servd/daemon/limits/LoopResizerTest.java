package io.servd.daemon.limits;

import io.servd.daemon.limits.LimitChange.CpuLimitChanged;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.Fixtures;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.Preference;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class LoopResizerTest {
    private static final String SERVICE = "/system.slice/foo.service";

    @TempDir
    Path dir;

    @Test
    void loopsFollowTheQuotaAndKeepTheirConnections() throws Exception {
        CgroupTree tree = CgroupTree.debian12(dir);
        var settings = LimitWatcher.Settings.defaults(4).withPollInterval(Duration.ofMillis(50));
        try (LimitWatcher limits = LimitWatcher.start(tree.self(), settings);
             EventLoops loops = LoopResizer.start(Transport.of(Preference.NIO), LoopSizing.defaults(), limits)) {
            // CPUQuota=50%: floor(0.5) = 0, at least 1; room for the host's 4
            assertThat(loops.workerCount()).isEqualTo(1);
            assertThat(loops.workerCapacity()).isEqualTo(4);
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), Fixtures.echo());
            try (Socket before = new Socket()) {
                before.connect(server.localAddress(), 5000);
                before.setSoTimeout(5000);
                assertThat(echoes(before, 'a')).isTrue();

                // CPUQuota=250%: floor 2
                var twoAndAHalf = resized(limits, loops, 2.5);
                tree.write(SERVICE, "cpu.max", "250000 100000\n");
                assertThat(twoAndAHalf).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(2);
                // AllowedCPUs=0-2 with the quota lifted: the cpuset's 3
                var cpuset = resized(limits, loops, 3.0);
                tree.write(SERVICE, "cpuset.cpus.effective", "0-2\n");
                tree.write(SERVICE, "cpu.max", "max 100000\n");
                assertThat(cpuset).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(3);
                // back down to CPUQuota=50%: the connection made at 1 loop, served through every size, still answers
                var half = resized(limits, loops, 0.5);
                tree.write(SERVICE, "cpu.max", "50000 100000\n");
                assertThat(half).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(1);
                assertThat(echoes(before, 'b')).isTrue();
            }
        }
    }

    /**
     * Completes with the loop count once a change to {@code cpus} reached the listeners: subscribed
     * after the resizer, and listeners run in order, so the count is already the new one.
     */
    private static CompletableFuture<Integer> resized(LimitWatcher limits, EventLoops loops, double cpus) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        limits.subscribe(change -> {
            if (change instanceof CpuLimitChanged c && c.current().effectiveCpus() == cpus) {
                done.complete(loops.workerCount());
            }
        });
        return done;
    }

    private static boolean echoes(Socket socket, char c) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(c);
        out.flush();
        return in.read() == c;
    }
}
