package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code -k} and {@code -P} on the captured debian12 tree with {@code cgroup.procs} added: the root holds
 * pid 1 and kthreadd (2), system.slice nothing of its own, foo.service a daemon (77) and a kernel worker
 * (300, in a cgroup as some kernel threads are). {@code /proc/PID/stat} lines in the kernel's format.
 */
class ProcessCounterTest {

    static final List<String> GROUPS = List.of("/", "/system.slice", "/system.slice/foo.service");

    @TempDir
    Path tmp;

    ProcessCounter counter;

    @BeforeEach
    void tree() throws IOException {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        Files.writeString(root.resolve("cgroup.procs"), "1\n2\n");
        Files.writeString(root.resolve("system.slice/cgroup.procs"), "");
        Files.writeString(root.resolve("system.slice/foo.service/cgroup.procs"), "77\n300\n");
        Path proc = tmp.resolve("proc");
        // flags (field 9): 0x400100 a user process, 0x208040 PF_KTHREAD set
        stat(proc, 1, "1 (systemd) S 0 1 1 0 -1 4194560 48211 ...");
        stat(proc, 2, "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0");
        stat(proc, 77, "77 (java) S 1 77 77 0 -1 4194560 9000 0 0 0");
        // a comm with a space and a parenthesis: fields count from the last ')'
        stat(proc, 300, "300 (kworker/0:1 (x)) I 2 0 0 0 -1 69238880 0 0 0 0");
        counter = new ProcessCounter(CgroupMounts.detect(new CgroupRoot(root)), new ProcFs(proc), 4242);
    }

    static void stat(Path proc, long pid, String line) throws IOException {
        Files.writeString(Files.createDirectories(proc.resolve(Long.toString(pid))).resolve("stat"), line + "\n");
    }

    @ParameterizedTest(name = "{0} recursive={1}")
    @CsvSource(delimiter = '|', textBlock = """
            # counting          | recursive | /  | /system.slice | foo.service
            # -k: every pid, each cgroup with the cgroups below it
            ALL_PROCESSES       | true      | 4  | 2             | 2
            # -P: kthreadd (2) and the kernel worker (300) left out
            USERSPACE_PROCESSES | true      | 2  | 1             | 1
            # --recursive=no: each cgroup's own
            ALL_PROCESSES       | false     | 2  | 0             | 2
            USERSPACE_PROCESSES | false     | 1  | 0             | 1
            """)
    void countsAsCgtop(TopView.Counting counting, boolean recursive, long root, long slice, long foo)
            throws IOException {
        assertThat(counter.count(GROUPS, counting, recursive)).containsExactly(
                Map.entry("/", OptionalLong.of(root)), Map.entry("/system.slice", OptionalLong.of(slice)),
                Map.entry("/system.slice/foo.service", OptionalLong.of(foo)));
    }

    @Test
    void onlyTheCgroupsShownAreSummed() throws IOException {
        // --depth=1: foo.service is not read, so not added, as cgtop sums what it walked
        assertThat(counter.count(List.of("/", "/system.slice"), TopView.Counting.ALL_PROCESSES, true))
                .containsEntry("/", OptionalLong.of(2));
    }

    @Test
    void pidOneAndServctlItselfAreNeverKernelThreads() throws IOException {
        assertThat(counter.isKernelThread(1)).isFalse();
        assertThat(counter.isKernelThread(4242)).isFalse();
        assertThat(counter.isKernelThread(2)).isTrue();
        assertThat(counter.isKernelThread(300)).isTrue();
        // exited since cgroup.procs was read: counted, as systemd does
        assertThat(counter.isKernelThread(999)).isFalse();
    }

    @Test
    void aCgroupWithoutProcsIsAbsentAndABadPidNamesTheFile() throws IOException {
        assertThat(counter.count(List.of("/gone.slice"), TopView.Counting.ALL_PROCESSES, true))
                .containsEntry("/gone.slice", OptionalLong.empty());
        Path procs = tmp.resolve("debian12-systemd252/system.slice/cgroup.procs");
        Files.writeString(procs, "12x\n");
        assertThatThrownBy(() -> counter.count(GROUPS, TopView.Counting.ALL_PROCESSES, true))
                .isInstanceOf(IOException.class).hasMessage("not a pid [12x] in [" + procs + "]");
    }
}
