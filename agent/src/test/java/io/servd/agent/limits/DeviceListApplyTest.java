package io.servd.agent.limits;

import io.servd.cgroup.unit.DbusProperty;
import io.servd.cgroup.unit.DirectiveKind;
import io.servd.cgroup.unit.DropIn;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.IoDeviceDirective;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.SetProperty;
import io.servd.cgroup.unit.UnitName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The directives of issue 16 item 3 through the D-Bus applier: their variants' signatures, reading them back,
 * device lists that accumulate onto what the unit has (drop-in check and rollback), and a directive the
 * host's systemd is too old for.
 */
class DeviceListApplyTest {

    @TempDir
    Path root;

    private static final UnitName UNIT = UnitName.of("demo.service");

    /** A systemd holding one unit's IOReadBandwidthMax list; writes the drop-in for the merged list unless told not to. */
    private final class FakeSystemd implements SystemdLimitsApplier.Bus {
        IoDeviceDirective list = IoDeviceDirective.fromDbus(DirectiveKind.IO_READ_BANDWIDTH_MAX,
                List.of(new DbusProperty.Device("/dev/vda", 1_000_000)));
        boolean writesDropIns = true;
        OptionalInt version = OptionalInt.of(252);
        final List<String> calls = new ArrayList<>();

        @Override
        public List<DbusProperty> read(UnitName unit, List<String> properties) {
            calls.add("read " + properties);
            return List.of(list.dbusProperty());
        }

        @Override
        public void set(UnitName unit, boolean runtime, List<DbusProperty> properties) {
            calls.add("set " + properties);
            for (DbusProperty p : properties) {
                if (!p.name().equals("IOReadBandwidthMax")) {
                    continue;
                }
                // PID 1: each entry set on the list (a new device first), an empty one resets it
                if (p.devices().isEmpty()) {
                    list = (IoDeviceDirective) ResourceDirectives.parse(p.name(), "");
                }
                for (DbusProperty.Device e : p.devices()) {
                    list = IoDeviceDirective.fromDbus(DirectiveKind.IO_READ_BANDWIDTH_MAX, List.of(e)).after(list);
                }
            }
            if (writesDropIns) {
                try {
                    for (DropIn drop : SetProperty.plan(unit, List.of(list), DropInScope.PERSISTENT)) {
                        Files.createDirectories(drop.under(root).getParent());
                        Files.writeString(drop.under(root), drop.content(), StandardCharsets.UTF_8);
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }

        @Override
        public OptionalInt systemdVersion() {
            calls.add("version?");
            return version;
        }

        @Override
        public Optional<Boolean> polkitOnBus() {
            return Optional.of(true);
        }

        @Override
        public void close() {
        }
    }

    private final FakeSystemd systemd = new FakeSystemd();

    private SystemdLimitsApplier applier() {
        return new SystemdLimitsApplier(() -> systemd, new DropInCheck(root));
    }

    private static LimitsPlan plan(String name, String value) {
        return LimitsPlan.of(UNIT, List.of(ResourceDirectives.parse(name, value)), DropInScope.PERSISTENT, Optional.empty());
    }

    @Test
    void aNewDeviceAccumulatesOntoTheUnitsListAndItsDropInIsFound() throws LimitsException {
        applier().apply(plan("IOReadBandwidthMax", "/dev/vdb 2M"), Optional.empty());

        assertThat(systemd.calls).containsExactly("read [IOReadBandwidthMax]",
                "set [IOReadBandwidthMax a(st) 1 /dev/vdb 2000000]");
        assertThat(systemd.list.dropInLine()).isEqualTo(
                "IOReadBandwidthMax=\nIOReadBandwidthMax=/dev/vda 1000000\nIOReadBandwidthMax=/dev/vdb 2000000\n");
    }

    @Test
    void whenSystemdWritesNoDropInTheListIsResetAndRebuiltInItsOrder() throws LimitsException {
        systemd.list = IoDeviceDirective.fromDbus(DirectiveKind.IO_READ_BANDWIDTH_MAX, List.of(
                new DbusProperty.Device("/dev/vda", 1_000_000), new DbusProperty.Device("/dev/vdc", 3_000_000)));
        IoDeviceDirective before = systemd.list;
        systemd.writesDropIns = false;

        assertThatThrownBy(() -> applier().apply(plan("IOReadBandwidthMax", "/dev/vdb 2M"), Optional.empty()))
                .isInstanceOfSatisfying(LimitsException.class, e -> assertThat(e.reason()).isEqualTo(LimitsException.Reason.NOT_PERSISTED));

        assertThat(systemd.calls.get(2)).isEqualTo(
                "set [IOReadBandwidthMax a(st) 0, IOReadBandwidthMax a(st) 2 /dev/vda 1000000 /dev/vdc 3000000]");
        assertThat(systemd.list).isEqualTo(before);
    }

    @Test
    void zswapOnSystemd252IsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> applier().apply(plan("MemoryZSwapMax", "1G"), Optional.empty()))
                .isInstanceOfSatisfying(LimitsException.class, e -> assertThat(e.reason()).isEqualTo(LimitsException.Reason.NOT_SUPPORTED))
                .hasMessage("MemoryZSwapMax= needs systemd 253 or later; this host runs systemd 252; nothing changed");
        assertThat(systemd.calls).containsExactly("version?");
    }

    @Test
    void zswapOnSystemd253IsSent() throws LimitsException {
        systemd.version = OptionalInt.of(253);
        systemd.writesDropIns = false;
        LimitsPlan plan = plan("MemoryZSwapMax", "1G");
        try {
            applier().apply(plan, Optional.empty());
        } catch (LimitsException e) {
            assertThat(e.reason()).isEqualTo(LimitsException.Reason.NOT_PERSISTED); // the fake writes only its list
        }
        assertThat(systemd.calls).contains("set [MemoryZSwapMax t 1073741824]");
    }

    @Test
    void systemdsVersionIsItsLeadingNumber() {
        assertThat(SystemdLimitsApplier.majorVersion("252.22-1~deb12u1")).hasValue(252);
        assertThat(SystemdLimitsApplier.majorVersion("257")).hasValue(257);
        assertThat(SystemdLimitsApplier.majorVersion("v252")).isEmpty();
        assertThat(SystemdLimitsApplier.majorVersion("")).isEmpty();
    }

    /** The variants carry the signatures systemd's bus_cgroup_set_property() reads: ay and a(st). */
    @Test
    void cpuSetsAndDeviceListsBecomeTheirDbusTypes() {
        var cpus = SystemdLimitsApplier.variant(ResourceDirectives.parse("AllowedCPUs", "0-1 3").dbusProperty());
        assertThat(cpus.getSig()).isEqualTo("ay");
        assertThat((byte[]) cpus.getValue()).containsExactly(11, 0, 0, 0, 0, 0, 0, 0);
        var reset = SystemdLimitsApplier.variant(ResourceDirectives.parse("AllowedCPUs", "").dbusProperty());
        assertThat(reset.getSig()).isEqualTo("ay");
        assertThat((byte[]) reset.getValue()).isEmpty();

        var limit = SystemdLimitsApplier.variant(ResourceDirectives.parse("IOWriteIOPSMax", "/dev/vda infinity").dbusProperty());
        assertThat(limit.getSig()).isEqualTo("a(st)");
        List<?> entries = (List<?>) limit.getValue();
        assertThat(entries).hasSize(1);
        var entry = (SystemdLimitsApplier.DeviceValue) entries.get(0);
        assertThat(entry.getPath()).isEqualTo("/dev/vda");
        assertThat(entry.getValue()).isEqualTo(new UInt64("18446744073709551615"));
        assertThat(SystemdLimitsApplier.variant(ResourceDirectives.parse("IODeviceWeight", "").dbusProperty()).getSig())
                .isEqualTo("a(st)");
        assertThat(SystemdLimitsApplier.variant(ResourceDirectives.parse("IOWeight", "").dbusProperty()).getSig()).isEqualTo("t");
    }

    @Test
    void whatSystemdAnswersReadsBackAsTheProperty() {
        assertThat(SystemdLimitsApplier.fromWire("IOWeight", new UInt64(500))).hasValue(
                new DbusProperty("IOWeight", DbusProperty.Signature.UINT64, 500));
        assertThat(SystemdLimitsApplier.fromWire("AllowedCPUs", new byte[] {3, 0, 0, 0, 0, 0, 0, (byte) 0x80}))
                .hasValue(DbusProperty.bytes("AllowedCPUs", List.of(3, 0, 0, 0, 0, 0, 0, 128)));
        assertThat(SystemdLimitsApplier.fromWire("IOReadIOPSMax", List.of((Object) new Object[] {"/dev/vda", new UInt64(7)})))
                .hasValue(DbusProperty.devices("IOReadIOPSMax", List.of(new DbusProperty.Device("/dev/vda", 7))));
        Struct struct = new SystemdLimitsApplier.DeviceValue("/dev/vdb", new UInt64(9));
        assertThat(SystemdLimitsApplier.fromWire("IODeviceWeight", List.of(struct)))
                .hasValue(DbusProperty.devices("IODeviceWeight", List.of(new DbusProperty.Device("/dev/vdb", 9))));
        assertThat(SystemdLimitsApplier.fromWire("IODeviceWeight", List.of())).hasValue(DbusProperty.devices("IODeviceWeight", List.of()));
        assertThat(SystemdLimitsApplier.fromWire("X", "text")).isEmpty();
    }
}
