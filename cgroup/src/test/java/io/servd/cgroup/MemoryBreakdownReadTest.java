package io.servd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.fs.CgroupRoot;
import io.servd.testsupport.FixtureTree;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** memory.stat, memory.swap.current/max and the working set in the snapshot; a broken file names itself. */
class MemoryBreakdownReadTest {

    @Test
    void capturedServiceHasItsBreakdownAndSwapLimitButNoSwapCurrentFile() {
        CgroupSnapshot foo = new CgroupReader(() -> 1L)
                .read(Fixtures.cgroupRoot("debian12-systemd252").resolve("/system.slice/foo.service"));
        assertThat(foo.errors()).isEmpty();
        assertThat(foo.usage().memoryStat().orElseThrow().value("kernel")).hasValue(73728);
        assertThat(foo.limits().memorySwapMax()).contains(Limit.unlimited());
        // not captured, so absent: absent stays empty, never 0
        assertThat(foo.usage().swapCurrent()).isEmpty();
        // inactive_file 0: the whole of memory.current
        assertThat(foo.usage().workingSet()).contains(ByteSize.ofBytes(184320));
    }

    @Test
    void workingSetIsCurrentMinusInactiveFileFlooredAtZero() {
        CgroupSnapshot.Usage none = CgroupSnapshot.Usage.none();
        var stat = Optional.of(new MemoryStat(Map.of("inactive_file", 4096L)));
        assertThat(usage(Optional.of(ByteSize.ofBytes(10_000)), stat).workingSet()).contains(ByteSize.ofBytes(5904));
        // the page cache grew between the two reads
        assertThat(usage(Optional.of(ByteSize.ofBytes(1_000)), stat).workingSet()).contains(ByteSize.ofBytes(0));
        assertThat(usage(Optional.empty(), stat).workingSet()).isEmpty();
        assertThat(usage(Optional.of(ByteSize.ofBytes(1)), Optional.of(new MemoryStat(Map.of()))).workingSet()).isEmpty();
        assertThat(none.workingSet()).isEmpty();
    }

    private static CgroupSnapshot.Usage usage(Optional<ByteSize> current, Optional<MemoryStat> stat) {
        var n = CgroupSnapshot.Usage.none();
        return new CgroupSnapshot.Usage(n.cpu(), n.cpuacctUsage(), current, n.memoryPeak(), n.pidsCurrent(), n.io(),
                n.memoryEvents(), n.cpuPressure(), n.memoryPressure(), n.ioPressure(), stat, n.swapCurrent());
    }

    @Test
    void swapFilesAndAnUnreadableFileThatNamesItself(@TempDir Path tmp) throws IOException {
        Path web = FixtureTree.copy(Fixtures.cgroupRoot("v2-service-synthetic").resolve("/system.slice/web.service").path(),
                tmp.resolve("web.service"));
        Files.writeString(web.resolve("memory.swap.current"), "1052672\n");
        Files.writeString(web.resolve("memory.swap.max"), "67108864\n");
        Files.delete(web.resolve("memory.peak"));
        Files.createDirectory(web.resolve("memory.peak")); // read fails with the JDK's "Is a directory"
        CgroupSnapshot s = new CgroupReader(() -> 1L).read(new CgroupRoot(tmp).resolve("/web.service"));
        assertThat(s.usage().swapCurrent()).contains(ByteSize.ofBytes(1052672));
        assertThat(s.limits().memorySwapMax()).contains(Limit.atMost(ByteSize.ofMebibytes(64)));
        assertThat(s.usage().memoryPeak()).isEmpty();
        assertThat(s.errors()).singleElement().isInstanceOfSatisfying(FileSystemException.class,
                e -> assertThat(e.getFile()).isEqualTo(web.resolve("memory.peak").toString()));
    }
}
