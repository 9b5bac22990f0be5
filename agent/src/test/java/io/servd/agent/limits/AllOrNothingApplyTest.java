package io.servd.agent.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.cgroup.unit.DbusProperty;
import io.servd.cgroup.unit.DropIn;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.UnitName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The D-Bus applier's all-or-nothing steps around systemd, which answers success even when it could not
 * write a drop-in (systemd 252 in the test VM, a full file system under /etc/systemd/system.control): room
 * checked before anything is sent, the drop-ins read back after the call, the old values set back when one
 * is missing. A fake bus stands for systemd; the VM's ApplyChaosIT does the same against the real one.
 */
class AllOrNothingApplyTest {

    @TempDir
    Path root;

    private final List<String> calls = new ArrayList<>();
    private boolean systemdWritesDropIns = true;
    private boolean rollbackFails;
    private boolean denied;

    private static final List<DbusProperty> BEFORE = List.of(
            new DbusProperty("MemoryMax", DbusProperty.Signature.UINT64, DbusProperty.UINT64_MAX),
            new DbusProperty("CPUQuotaPerSecUSec", DbusProperty.Signature.UINT64, 300_000));

    private final LimitsPlan plan = LimitsPlan.of(UnitName.of("demo.service"),
            List.of(ResourceDirectives.parse("MemoryMax", "64M"), ResourceDirectives.parse("CPUQuota", "50%")),
            DropInScope.PERSISTENT, Optional.empty());

    /** A systemd on the bus: records each call and, like systemd with room on disk, writes the planned drop-ins. */
    private final SystemdLimitsApplier.Bus bus = new SystemdLimitsApplier.Bus() {
        @Override
        public List<DbusProperty> read(UnitName unit, List<String> properties) {
            calls.add("read " + unit + " " + properties);
            return BEFORE.stream().filter(p -> properties.contains(p.name())).toList();
        }

        @Override
        public void set(UnitName unit, boolean runtime, List<DbusProperty> properties) throws LimitsException {
            calls.add("set " + unit + " " + properties);
            if (denied) {
                throw new LimitsException(LimitsException.Reason.DENIED, "SetUnitProperties: Permission denied",
                        new org.freedesktop.dbus.errors.AccessDenied("Permission denied"));
            }
            if (properties.equals(BEFORE) && rollbackFails) {
                throw new LimitsException(LimitsException.Reason.FAILED, "SetUnitProperties: no answer", null);
            }
            if (systemdWritesDropIns && properties.equals(plan.properties())) {
                try {
                    for (DropIn d : plan.dropIns()) {
                        Files.createDirectories(d.under(root).getParent());
                        Files.writeString(d.under(root), d.content(), StandardCharsets.UTF_8);
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }

        @Override
        public Optional<Boolean> polkitOnBus() {
            calls.add("polkit?");
            return Optional.of(true);
        }

        @Override
        public void close() {
            calls.add("close");
        }
    };

    private SystemdLimitsApplier applier(long freeBytes) {
        return new SystemdLimitsApplier(() -> bus, new DropInCheck(root, existing -> new Store(freeBytes)));
    }

    @Test
    void readsTheOldValuesThenSetsAndFindsTheDropIns() throws LimitsException {
        applier(1 << 20).apply(plan, Optional.empty());

        assertThat(calls).containsExactly(
                "read demo.service [MemoryMax, CPUQuotaPerSecUSec]",
                "set demo.service " + plan.properties(),
                "close");
    }

    @Test
    void dropInsSystemdDidNotWriteSetTheOldValuesBack() {
        systemdWritesDropIns = false;

        assertThatThrownBy(() -> applier(1 << 20).apply(plan, Optional.empty()))
                .isInstanceOfSatisfying(LimitsException.class, e -> assertThat(e.reason()).isEqualTo(LimitsException.Reason.NOT_PERSISTED))
                .hasMessageContaining("did not write its drop-ins")
                .hasMessageContaining("50-MemoryMax.conf] is missing")
                .hasMessageContaining("set back [MemoryMax t 18446744073709551615, CPUQuotaPerSecUSec t 300000], nothing changed");
        assertThat(calls).containsExactly(
                "read demo.service [MemoryMax, CPUQuotaPerSecUSec]",
                "set demo.service " + plan.properties(),
                "set demo.service " + BEFORE,
                "close");
    }

    @Test
    void anOldDropInLeftInPlaceIsNotTheNewOne() throws IOException {
        systemdWritesDropIns = false;
        DropIn memory = plan.dropIns().get(0);
        Files.createDirectories(memory.under(root).getParent());
        Files.writeString(memory.under(root), memory.content().replace("67108864", "50331648"));

        assertThatThrownBy(() -> applier(1 << 20).apply(plan, Optional.empty()))
                .isInstanceOfSatisfying(LimitsException.class, e -> assertThat(e.reason()).isEqualTo(LimitsException.Reason.NOT_PERSISTED))
                .hasMessageContaining("holds [")
                .hasMessageContaining("MemoryMax=50331648], not [");
        assertThat(calls).contains("set demo.service " + BEFORE);
    }

    @Test
    void aFailedRollbackSaysTheUnitKeepsTheNewValues() {
        systemdWritesDropIns = false;
        rollbackFails = true;

        assertThatThrownBy(() -> applier(1 << 20).apply(plan, Optional.empty()))
                .isInstanceOfSatisfying(LimitsException.class, e -> assertThat(e.reason()).isEqualTo(LimitsException.Reason.FAILED))
                .hasMessageContaining("setting back")
                .hasMessageContaining("keeps the new values until the next daemon-reload");
    }

    /** systemd refusing servd's own call is the host's missing polkit setup, asked on the same bus: not the caller's 403. */
    @Test
    void aDenialOfServdsCallSaysWhatTheHostLacks() {
        denied = true;

        assertThatThrownBy(() -> applier(1 << 20).apply(plan, Optional.empty()))
                .isInstanceOfSatisfying(LimitsException.class,
                        e -> assertThat(e.reason()).isEqualTo(LimitsException.Reason.AGENT_NOT_AUTHORIZED))
                .hasMessageContaining("polkit said no")
                .hasMessageContaining("systemctl set-property demo.service MemoryMax=67108864 CPUQuota=50.00%");
        assertThat(calls).containsExactly(
                "read demo.service [MemoryMax, CPUQuotaPerSecUSec]",
                "set demo.service " + plan.properties(),
                "polkit?",
                "close");
    }

    @Test
    void noRoomIsRefusedBeforeAnythingIsSent() throws IOException {
        Files.createDirectories(root.resolve("etc/systemd")); // as on a fresh system: no system.control/ yet
        // two drop-ins and two directories to make (system.control/ and demo.service.d/): four 4 KiB blocks
        assertThatThrownBy(() -> applier(4 * 4096 - 1).apply(plan, Optional.empty()))
                .isInstanceOfSatisfying(LimitsException.class, e -> assertThat(e.reason()).isEqualTo(LimitsException.Reason.NO_SPACE))
                .hasMessageContaining("no space for the drop-ins in [" + root.resolve("etc/systemd/system.control/demo.service.d") + "]")
                .hasMessageContaining("[16383] bytes free")
                .hasMessageContaining("[16384] needed; nothing changed");
        assertThat(calls).isEmpty();
    }

    @Test
    void exactlyEnoughRoomIsEnough() throws LimitsException, IOException {
        Files.createDirectories(root.resolve("etc/systemd/system.control/demo.service.d"));

        applier(2 * 4096).apply(plan, Optional.empty()); // the directories exist: two blocks for two files

        assertThat(calls).hasSize(3);
    }

    @Test
    void percentagesAreReadBackUnderTheValueProperty() {
        LimitsPlan percent = LimitsPlan.of(UnitName.of("demo.service"),
                List.of(ResourceDirectives.parse("MemoryMax", "50%"), ResourceDirectives.parse("TasksMax", "10%"),
                        ResourceDirectives.parse("CPUQuota", "20%")),
                DropInScope.PERSISTENT, Optional.empty());

        assertThat(percent.properties()).extracting(DbusProperty::name).containsExactly("MemoryMaxScale", "TasksMaxScale",
                "CPUQuotaPerSecUSec");
        assertThat(SystemdLimitsApplier.valueProperties(percent)).containsExactly("MemoryMax", "TasksMax", "CPUQuotaPerSecUSec");
    }

    /** A file system with {@code free} bytes left in 4 KiB blocks. */
    private static final class Store extends FileStore {
        private final long free;

        Store(long free) {
            this.free = free;
        }

        @Override
        public String name() {
            return "/dev/loop0";
        }

        @Override
        public String type() {
            return "ext4";
        }

        @Override
        public boolean isReadOnly() {
            return true; // as under ProtectSystem=strict: servd sees the space, systemd writes
        }

        @Override
        public long getTotalSpace() {
            return 1 << 20;
        }

        @Override
        public long getUsableSpace() {
            return free;
        }

        @Override
        public long getUnallocatedSpace() {
            return free + 64 * 4096; // ext4's f_bfree: counts clusters nobody may use, so it is not what the check reads
        }

        @Override
        public long getBlockSize() {
            return 4096;
        }

        @Override
        public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
            return false;
        }

        @Override
        public boolean supportsFileAttributeView(String name) {
            return false;
        }

        @Override
        public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
            return null;
        }

        @Override
        public Object getAttribute(String attribute) {
            throw new UnsupportedOperationException(attribute);
        }

        @Override
        public String toString() {
            return "/etc/systemd/system.control (/dev/loop0)";
        }
    }
}
