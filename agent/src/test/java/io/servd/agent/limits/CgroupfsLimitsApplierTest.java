package io.servd.agent.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupWriter;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.DropInWriter;
import io.servd.cgroup.unit.HostResources;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.UnitName;
import io.servd.agent.units.UnitTree;
import io.servd.testsupport.FixtureTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The no-systemd applier against a temp copy of the captured tree: cgroup files and drop-ins. */
class CgroupfsLimitsApplierTest {
    static final HostResources HOST = new HostResources(ByteSize.ofMebibytes(8192), 4096, 4_194_303L);

    @TempDir
    Path tmp;
    Path cgroupfs;
    Path fsRoot;
    UnitTree tree;
    CgroupfsLimitsApplier applier;

    @BeforeEach
    void copyTree() throws IOException {
        cgroupfs = tmp.resolve("cgroup");
        Path from = Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs", "debian12-systemd252");
        FixtureTree.copy(from, cgroupfs);
        fsRoot = Files.createDirectory(tmp.resolve("root"));
        tree = new UnitTree(new CgroupRoot(cgroupfs));
        applier = new CgroupfsLimitsApplier(new CgroupWriter(), new DropInWriter(fsRoot));
    }

    private LimitsPlan plan(String unit, boolean runtime, String... directives) {
        var parsed = Stream.of(directives).map(d -> ResourceDirectives.parse(d.substring(0, d.indexOf('=')),
                d.substring(d.indexOf('=') + 1))).toList();
        return LimitsPlan.of(UnitName.of(unit), List.copyOf(parsed),
                DropInScope.requested(runtime), Optional.of(HOST));
    }

    @Test
    void writesCgroupFilesAndDropIns() throws Exception {
        var unit = tree.find(UnitName.of("foo.service"));
        applier.apply(plan("foo.service", false, "MemoryMax=32M", "CPUQuota=25%", "TasksMax=50", "CPUWeight=idle"), unit);
        Path dir = cgroupfs.resolve("system.slice/foo.service");
        assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo("33554432");
        assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("25000 100000");
        assertThat(Files.readString(dir.resolve("pids.max"))).isEqualTo("50");
        assertThat(Files.readString(dir.resolve("cpu.idle"))).isEqualTo("1");
        Path dropIns = fsRoot.resolve("etc/systemd/system.control/foo.service.d");
        assertThat(Files.readString(dropIns.resolve("50-MemoryMax.conf")))
                .endsWith("[Service]\nMemoryMax=33554432\n");
        assertThat(Files.readString(dropIns.resolve("50-CPUQuota.conf"))).endsWith("[Service]\nCPUQuota=25%\n");
    }

    @Test
    void runtimeDropInsGoUnderRun() throws Exception {
        applier.apply(plan("system.slice", true, "MemoryHigh=1G"), tree.find(UnitName.of("system.slice")));
        assertThat(fsRoot.resolve("run/systemd/system.control/system.slice.d/50-MemoryHigh.conf"))
                .content().endsWith("[Slice]\nMemoryHigh=1073741824\n");
        assertThat(cgroupfs.resolve("system.slice/memory.high")).hasContent("1073741824");
    }

    @Test
    void unitWithoutCgroupIsUnknownAndNothingIsWritten() {
        assertThatThrownBy(() -> applier.apply(plan("bar.service", false, "MemoryMax=1G"), Optional.empty()))
                .isInstanceOf(LimitsException.class).hasMessageContaining("no cgroup for unit [bar.service]")
                .extracting(e -> ((LimitsException) e).reason()).isEqualTo(LimitsException.Reason.NO_SUCH_UNIT);
        assertThat(fsRoot).isEmptyDirectory();
    }

    @Test
    void missingControllerIsAConflictAndNothingIsWritten() throws Exception {
        // the captured system.slice has no io controller files
        var slice = tree.find(UnitName.of("system.slice"));
        Files.delete(cgroupfs.resolve("system.slice/pids.max"));
        Files.writeString(cgroupfs.resolve("system.slice/cgroup.controllers"), "cpu memory\n");
        assertThatThrownBy(() -> applier.apply(plan("system.slice", false, "MemoryMax=1G", "TasksMax=10"), slice))
                .isInstanceOf(LimitsException.class)
                .extracting(e -> ((LimitsException) e).reason()).isEqualTo(LimitsException.Reason.CONTROLLER_NOT_ENABLED);
        assertThat(cgroupfs.resolve("system.slice/memory.max")).hasContent("max\n");
        assertThat(fsRoot).isEmptyDirectory();
    }

    @Test
    void failedDropInsPutTheCgroupValuesBack() throws Exception {
        Path dropIns = Files.createDirectories(fsRoot.resolve("etc/systemd/system.control/foo.service.d"));
        Files.writeString(dropIns.resolve("50-MemoryMax.conf"), "[Service]\nMemoryMax=1073741824\n");
        var cgroupBefore = contents(cgroupfs);
        var dropInsBefore = contents(fsRoot);
        var failing = new CgroupfsLimitsApplier(new CgroupWriter(), plan -> {
            throw new IOException("writing drop-in [50-MemoryMax.conf] failed: No space left on device");
        });

        assertThatThrownBy(() -> failing.apply(plan("foo.service", false, "MemoryMax=32M", "CPUQuota=25%", "TasksMax=50"),
                tree.find(UnitName.of("foo.service"))))
                .isInstanceOf(LimitsException.class)
                .hasMessageContaining("nothing changed for [foo.service]: cgroup values restored after writing drop-in")
                .hasMessageContaining("No space left on device")
                .extracting(e -> ((LimitsException) e).reason()).isEqualTo(LimitsException.Reason.FAILED);

        assertThat(contents(cgroupfs)).isEqualTo(cgroupBefore);
        assertThat(contents(fsRoot)).isEqualTo(dropInsBefore);
    }

    @Test
    void dropInDirectoryBlockedOnDiskLeavesCgroupAndDropInsAsBefore() throws Exception {
        // the real writer fails: foo.service.d's place is taken by a plain file
        Files.createDirectories(fsRoot.resolve("etc/systemd/system.control"));
        Files.writeString(fsRoot.resolve("etc/systemd/system.control/foo.service.d"), "not a directory");
        var cgroupBefore = contents(cgroupfs);
        var dropInsBefore = contents(fsRoot);

        assertThatThrownBy(() -> applier.apply(plan("foo.service", false, "MemoryMax=32M", "CPUWeight=idle"),
                tree.find(UnitName.of("foo.service"))))
                .isInstanceOf(LimitsException.class)
                .hasMessageContaining("cgroup values restored");

        assertThat(contents(cgroupfs)).isEqualTo(cgroupBefore);
        assertThat(contents(fsRoot)).isEqualTo(dropInsBefore);
    }

    /**
     * Every file under {@code root}, content stripped: the kernel prints a limit with a newline
     * whatever was written, and the captured files have one while a restore writes none.
     */
    private static TreeMap<String, String> contents(Path root) {
        var all = new TreeMap<String, String>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                all.put(root.relativize(p).toString(), Files.isRegularFile(p) ? Files.readString(p).strip() : "<dir>");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }
}
