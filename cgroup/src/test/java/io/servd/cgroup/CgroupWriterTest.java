package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;
import io.servd.cgroup.fs.CgroupRoot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CgroupWriterTest {

    @TempDir
    Path tmp;
    CgroupDir web;

    @BeforeEach
    void copyFixture() throws IOException {
        Path source = Fixtures.resource("cgroupfs/v2-service-synthetic/system.slice/web.service");
        Path target = Files.createDirectories(tmp.resolve("system.slice/web.service"));
        try (var files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        web = new CgroupRoot(tmp).resolve("/system.slice/web.service");
    }

    @Test
    void writesAllAndReadsBack() throws IOException {
        new CgroupWriter().apply(web, List.of(
                new CgroupWrite(CgroupFile.CPU_MAX, "50000 100000"),
                new CgroupWrite(CgroupFile.MEMORY_MAX, "max"),
                new CgroupWrite(CgroupFile.PIDS_MAX, "64")));

        assertThat(CpuController.of(web).readMax()).contains(CpuMax.of(java.time.Duration.ofMillis(50), CpuMax.DEFAULT_PERIOD));
        assertThat(MemoryController.of(web).readMax()).contains(MemoryMax.unlimited());
        assertThat(PidsController.of(web).readMax()).contains(new PidsMax(Limit.atMost(64L)));
    }

    @Test
    void applyReturnsTheUndoThatRestorePutsBack() throws IOException {
        var before = snapshot();
        var writer = new CgroupWriter();
        List<CgroupWrite> undo = writer.apply(web, List.of(
                new CgroupWrite(CgroupFile.CPU_MAX, "50000 100000"),
                new CgroupWrite(CgroupFile.PIDS_MAX, "64")));
        // the previous values as the kernel printed them, last written first
        assertThat(undo).extracting(CgroupWrite::file).containsExactly(CgroupFile.PIDS_MAX, CgroupFile.CPU_MAX);

        writer.restore(web, undo);

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void restoreTriesEveryFileAndNamesTheFirstFailure() throws IOException {
        var writes = new java.util.ArrayList<String>();
        CgroupWriter writer = new CgroupWriter((file, content) -> {
            writes.add(file.getFileName().toString());
            if (!file.getFileName().toString().equals("pids.max")) {
                throw new IOException("No such device");
            }
            Files.writeString(file, content);
        });

        assertThatThrownBy(() -> writer.restore(web, List.of(new CgroupWrite(CgroupFile.CPU_MAX, "max 100000"),
                new CgroupWrite(CgroupFile.MEMORY_MAX, "max"), new CgroupWrite(CgroupFile.PIDS_MAX, "7"))))
                .isInstanceOf(CgroupWriteException.class)
                .hasMessageContaining("restoring failed: [max 100000] to [" + web.file(CgroupFile.CPU_MAX) + "]")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(writes).containsExactly("cpu.max", "memory.max", "pids.max");
        assertThat(web.file(CgroupFile.PIDS_MAX)).hasContent("7");
    }

    /** The limit files' contents, stripped as the writer reads them. */
    private java.util.Map<String, String> snapshot() throws IOException {
        var all = new java.util.TreeMap<String, String>();
        for (CgroupFile f : List.of(CgroupFile.CPU_MAX, CgroupFile.MEMORY_MAX, CgroupFile.PIDS_MAX)) {
            all.put(f.fileName(), Files.readString(web.file(f)).strip());
        }
        return all;
    }

    @Test
    void kernelRejectionRestoresEarlierWritesAndNamesFileAndValue() throws IOException {
        // the "kernel" refuses the third write with EINVAL, which a plain directory cannot do
        CgroupWriter writer = new CgroupWriter((file, content) -> {
            if (file.getFileName().toString().equals("pids.max")) {
                throw new IOException("Invalid argument");
            }
            Files.writeString(file, content);
        });

        assertThatThrownBy(() -> writer.apply(web, List.of(
                new CgroupWrite(CgroupFile.CPU_MAX, "50000 100000"),
                new CgroupWrite(CgroupFile.MEMORY_MAX, "1048576"),
                new CgroupWrite(CgroupFile.PIDS_MAX, "64"))))
                .isInstanceOf(CgroupWriteException.class)
                .hasMessageContaining("[64]")
                .hasMessageContaining("pids.max]")
                .hasMessageContaining("2 earlier write(s) restored")
                .hasMessageContaining("Invalid argument");

        assertThat(Files.readString(web.file(CgroupFile.CPU_MAX))).isEqualTo("20000 100000");
        assertThat(Files.readString(web.file(CgroupFile.MEMORY_MAX))).isEqualTo("268435456");
    }

    @Test
    void readBackMismatchIsAFailure() {
        CgroupWriter writer = new CgroupWriter((file, content) -> Files.writeString(file, "42"));

        assertThatThrownBy(() -> writer.apply(web, List.of(new CgroupWrite(CgroupFile.CPU_WEIGHT, "300"))))
                .isInstanceOf(CgroupWriteException.class)
                .hasMessageContaining("[300]")
                .hasMessageContaining("read back [42]");
    }

    @Test
    void memoryLimitsMayReadBackRoundedDownToAPage() throws IOException {
        CgroupWriter writer = new CgroupWriter((file, content) ->
                Files.writeString(file, Long.toString(Long.parseLong(content) / 4096 * 4096)));

        writer.apply(web, List.of(new CgroupWrite(CgroupFile.MEMORY_MAX, "12345678")));

        assertThat(Files.readString(web.file(CgroupFile.MEMORY_MAX))).isEqualTo("12345344");
    }

    @Test
    void missingFileOfADisabledControllerSaysSo() throws IOException {
        Files.writeString(web.file(CgroupFile.CGROUP_CONTROLLERS), "cpu memory\n");
        Files.delete(web.file(CgroupFile.PIDS_MAX));

        assertThatThrownBy(() -> new CgroupWriter().apply(web, List.of(new CgroupWrite(CgroupFile.PIDS_MAX, "64"))))
                .isInstanceOf(ControllerNotEnabledException.class)
                .hasMessageContaining("controller [pids] not enabled")
                .hasMessageContaining("cgroup.controllers is [cpu memory]");
    }

    @ParameterizedTest(name = "{0}=[{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            # file       | value          | problem
            CPU_MAX      | fast           | invalid value
            CPU_WEIGHT   | 0              | invalid value
            MEMORY_HIGH  | 1G             | invalid value
            CPU_IDLE     | yes            | invalid value
            # not present in the directory: controller not enabled
            IO_STAT      | 1              | no such cgroup file
            CPU_STAT     | 1              | not a writable limit file
            """)
    void validatesEverythingBeforeTheFirstWrite(CgroupFile file, String value, String problem) throws IOException {
        if (file == CgroupFile.IO_STAT) {
            Files.delete(web.file(CgroupFile.IO_STAT));
        }
        assertThatThrownBy(() -> new CgroupWriter().apply(web, List.of(
                new CgroupWrite(CgroupFile.PIDS_MAX, "64"),
                new CgroupWrite(file, value))))
                .isInstanceOf(CgroupWriteException.class)
                .hasMessageContaining(problem)
                .hasMessageContaining("[" + value + "]")
                .hasMessageContaining(file.fileName() + "]");

        assertThat(Files.readString(web.file(CgroupFile.PIDS_MAX))).isEqualTo("512\n");
    }
}
