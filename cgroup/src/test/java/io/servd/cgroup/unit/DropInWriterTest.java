package io.servd.cgroup.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability and all-or-none of several drop-ins, with the fsync/rename steps observed or failed. */
class DropInWriterTest {

    @TempDir
    Path root;
    Path dir;
    List<DropIn> plan;

    @BeforeEach
    void oldDropIn() throws IOException {
        dir = Files.createDirectories(root.resolve("etc/systemd/system.control/web.service.d"));
        Files.writeString(dir.resolve("50-MemoryMax.conf"), "old\n");
        plan = SetProperty.plan(UnitName.of("web.service"), List.of(ResourceDirectives.parse("MemoryMax", "1G"),
                ResourceDirectives.parse("TasksMax", "9")), DropInScope.PERSISTENT);
    }

    /** A disk that records each step and can fail one; otherwise the real fsync and rename. */
    private class RecordingDisk implements DropInWriter.Disk {
        final List<String> steps = new ArrayList<>();
        String failOn = "";

        @Override
        public void force(Path path) throws IOException {
            String step = "fsync " + name(path);
            steps.add(step);
            if (!failOn.isEmpty() && step.startsWith(failOn)) {
                throw new IOException("Input/output error");
            }
        }

        @Override
        public void rename(Path temp, Path target) throws IOException {
            String step = "rename " + name(target);
            steps.add(step);
            if (step.equals(failOn)) {
                throw new IOException("No space left on device");
            }
            Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        private String name(Path p) {
            String n = p.getFileName().toString();
            return n.startsWith(".#") ? "temp" : n;
        }
    }

    @Test
    void everyTempIsSyncedBeforeTheFirstRenameAndTheDirectoriesAfterTheLast() throws IOException {
        var disk = new RecordingDisk();
        plan = SetProperty.plan(UnitName.of("db.service"), List.of(ResourceDirectives.parse("MemoryMax", "1G"),
                ResourceDirectives.parse("TasksMax", "9")), DropInScope.PERSISTENT);

        new DropInWriter(root, disk).write(plan);

        // db.service.d is new: system.control, which now lists it, is synced too
        assertThat(disk.steps).containsExactly("fsync temp", "fsync temp", "rename 50-MemoryMax.conf",
                "rename 50-TasksMax.conf", "fsync system.control", "fsync db.service.d");
        assertThat(tree()).containsOnlyKeys("50-MemoryMax.conf", "db.service.d/50-MemoryMax.conf",
                "db.service.d/50-TasksMax.conf");
    }

    @Test
    void aFailedTempSyncChangesNoDropIn() {
        var disk = new RecordingDisk() {
            int temps;

            @Override
            public void force(Path path) throws IOException {
                if (path.getFileName().toString().startsWith(".#") && ++temps == 2) {
                    throw new IOException("Input/output error");
                }
                super.force(path);
            }
        };
        var before = tree();

        assertThatThrownBy(() -> new DropInWriter(root, disk).write(plan))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("writing drop-in [" + dir.resolve("50-TasksMax.conf") + "] failed")
                .hasMessageContaining("Input/output error");

        assertThat(disk.steps).noneMatch(s -> s.startsWith("rename"));
        assertThat(tree()).isEqualTo(before); // no temporary file left either
    }

    @Test
    void aFailedRenamePutsBackWhatWasRenamed() {
        var disk = new RecordingDisk();
        disk.failOn = "rename 50-TasksMax.conf";
        var before = tree();

        assertThatThrownBy(() -> new DropInWriter(root, disk).write(plan))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("writing drop-in [" + dir.resolve("50-TasksMax.conf") + "] failed, "
                        + "1 earlier drop-in(s) restored: No space left on device");

        assertThat(tree()).isEqualTo(before);
    }

    @Test
    void aFailedDirectorySyncPutsEverythingBack() {
        var disk = new RecordingDisk();
        disk.failOn = "fsync web.service.d";
        var before = tree();

        assertThatThrownBy(() -> new DropInWriter(root, disk).write(plan))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("writing drop-in [" + dir + "] failed, 2 earlier drop-in(s) restored");

        assertThat(tree()).isEqualTo(before);
    }

    /** Every file under the web.service.d's parent, with its content. */
    private TreeMap<String, String> tree() {
        var all = new TreeMap<String, String>();
        Path base = dir.getParent();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    all.put(base.relativize(p).toString().replace("web.service.d/", ""), Files.readString(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }
}
