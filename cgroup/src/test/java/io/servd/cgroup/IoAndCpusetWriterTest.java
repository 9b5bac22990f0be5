package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;
import io.servd.cgroup.fs.CgroupRoot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link CgroupWriter} on the keyed files {@code io.weight}/{@code io.max} and the cpu lists, with a fake
 * kernel that keeps them as Linux 6.1 does: a write changes one device's line, "max"/"default" removes it,
 * a cpu list written with spaces prints with commas.
 */
class IoAndCpusetWriterTest {

    @TempDir
    Path tmp;
    private CgroupDir dir;
    private final List<String> written = new ArrayList<>();

    @BeforeEach
    void cgroup() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("system.slice/demo.service"));
        Files.writeString(d.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(d.resolve("io.weight"), "default 100\n254:16 300\n");
        Files.writeString(d.resolve("io.max"), "254:16 rbps=5000 wbps=max riops=max wiops=max\n");
        Files.writeString(d.resolve("cpuset.cpus"), "\n");
        dir = new CgroupRoot(tmp).resolve("/system.slice/demo.service");
    }

    /** Linux: keyed lines merge; "254:0 default" and an all-max io.max line remove the device; cpu lists print with commas. */
    private final CgroupWriter kernel = new CgroupWriter((file, content) -> {
        written.add(file.getFileName() + "=" + content);
        String name = file.getFileName().toString();
        if (name.startsWith("cpuset.")) {
            Files.writeString(file, content.strip().replace(' ', ',') + "\n");
            return;
        }
        Map<String, String> lines = new LinkedHashMap<>();
        Files.readString(file).lines().filter(l -> !l.isBlank()).forEach(l -> lines.put(l.substring(0, l.indexOf(' ')), l));
        String key = content.substring(0, content.indexOf(' '));
        if (content.endsWith(" default") || content.endsWith("rbps=max wbps=max riops=max wiops=max")) {
            lines.remove(key);
        } else {
            lines.put(key, content);
        }
        Files.writeString(file, String.join("\n", lines.values()) + "\n", StandardCharsets.UTF_8);
    });

    @Test
    void writesOneDeviceLineAndUndoesItWithTheLineThatClearsIt() throws IOException {
        List<CgroupWrite> undo = kernel.apply(dir, List.of(
                new CgroupWrite(CgroupFile.IO_WEIGHT, "254:0 500"),
                new CgroupWrite(CgroupFile.IO_WEIGHT, "default 200"),
                new CgroupWrite(CgroupFile.IO_MAX, "254:0 rbps=1000000 wbps=max riops=max wiops=max"),
                new CgroupWrite(CgroupFile.CPUSET_CPUS, "0-1 3")));

        assertThat(Files.readString(dir.file(CgroupFile.IO_WEIGHT))).isEqualTo("default 200\n254:16 300\n254:0 500\n");
        assertThat(Files.readString(dir.file(CgroupFile.IO_MAX)))
                .isEqualTo("254:16 rbps=5000 wbps=max riops=max wiops=max\n254:0 rbps=1000000 wbps=max riops=max wiops=max\n");
        assertThat(Files.readString(dir.file(CgroupFile.CPUSET_CPUS))).isEqualTo("0-1,3\n");
        assertThat(undo).containsExactly(new CgroupWrite(CgroupFile.CPUSET_CPUS, ""),
                new CgroupWrite(CgroupFile.IO_MAX, "254:0 rbps=max wbps=max riops=max wiops=max"),
                new CgroupWrite(CgroupFile.IO_WEIGHT, "default 100"),
                new CgroupWrite(CgroupFile.IO_WEIGHT, "254:0 default"));

        kernel.restore(dir, undo);
        assertThat(Files.readString(dir.file(CgroupFile.IO_WEIGHT))).isEqualTo("default 100\n254:16 300\n");
        assertThat(Files.readString(dir.file(CgroupFile.IO_MAX))).isEqualTo("254:16 rbps=5000 wbps=max riops=max wiops=max\n");
        assertThat(Files.readString(dir.file(CgroupFile.CPUSET_CPUS))).isEqualTo("\n");
        assertThat(written).contains("cpuset.cpus=\n"); // the empty list reaches the kernel as a newline
    }

    @Test
    void anAllMaxLineReadsBackAsNoLine() throws IOException {
        kernel.apply(dir, List.of(new CgroupWrite(CgroupFile.IO_MAX, "254:16 rbps=max wbps=max riops=max wiops=max")));
        assertThat(Files.readString(dir.file(CgroupFile.IO_MAX))).isEqualTo("\n");
    }

    @Test
    void aWeightOutOfRangeIsRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> kernel.apply(dir, List.of(new CgroupWrite(CgroupFile.IO_MAX, "254:0 rbps=1 wbps=max riops=max wiops=max"),
                new CgroupWrite(CgroupFile.IO_WEIGHT, "254:0 0"))))
                .isInstanceOf(CgroupWriteException.class).hasMessageContaining("[254:0 0]");
        assertThat(written).isEmpty();
    }

    @Test
    void readsTheKernelsIoFiles() throws IOException {
        Path file = dir.file(CgroupFile.IO_MAX);
        assertThat(IoWeight.parseCgroup("default 100\n254:0 500\n", file))
                .isEqualTo(new IoWeight(100, Map.of("254:0", 500)));
        assertThat(IoMax.parseCgroup("254:0 rbps=1000000 wbps=max riops=max wiops=7\n", file).devices()).containsExactly(
                new IoMax.Device("254:0", Limit.atMost(1_000_000L), Limit.unlimited(), Limit.unlimited(), Limit.atMost(7L)));
        assertThat(IoMax.parseCgroup("", file).devices()).isEmpty();
        assertThatThrownBy(() -> IoMax.parseCgroup("254:0 rbps=x wbps=max riops=max wiops=max", file))
                .isInstanceOf(MalformedCgroupFileException.class).hasMessageContaining("[254:0 rbps=x").hasMessageContaining(file.toString());
        assertThatThrownBy(() -> IoWeight.parseCgroup("254:0 5", file))
                .isInstanceOf(MalformedCgroupFileException.class).hasMessageContaining("no \"default N\" line");
    }
}
