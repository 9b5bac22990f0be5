package io.servd.cgroup.unit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SysfsBlockDevices} on a sysfs tree laid out as the Debian 12 test VM's (virtio disk vda 254:0 with
 * partition vda1 254:1; /dev/vdb 254:16) plus a LUKS mapping dm-0 253:0 on vdb, and a fake stat(2) (device
 * nodes cannot be made without root): the paths systemd's {@code lookup_block_device()} meets.
 */
class SysfsBlockDevicesTest {

    @TempDir
    Path sys;

    private static final long VDA = devT(254, 0);
    private static final long VDA1 = devT(254, 1);
    private static final long DM0 = devT(253, 0);

    /** glibc's makedev(). */
    private static long devT(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    private final Map<String, SysfsBlockDevices.Node> nodes = Map.of(
            "/dev/vda", new SysfsBlockDevices.Node(SysfsBlockDevices.Node.Type.BLOCK, VDA, 5),
            "/dev/vda1", new SysfsBlockDevices.Node(SysfsBlockDevices.Node.Type.BLOCK, VDA1, 5),
            "/dev/mapper/crypt", new SysfsBlockDevices.Node(SysfsBlockDevices.Node.Type.BLOCK, DM0, 5),
            "/dev/null", new SysfsBlockDevices.Node(SysfsBlockDevices.Node.Type.CHARACTER, devT(1, 3), 5),
            // a file on the root file system (vda1), one on tmpfs (major 0), one on the LUKS volume
            "/var/lib/demo", new SysfsBlockDevices.Node(SysfsBlockDevices.Node.Type.OTHER, 0, VDA1),
            "/run/demo", new SysfsBlockDevices.Node(SysfsBlockDevices.Node.Type.OTHER, 0, devT(0, 25)),
            "/srv/secret", new SysfsBlockDevices.Node(SysfsBlockDevices.Node.Type.OTHER, 0, DM0));

    private SysfsBlockDevices devices;

    @BeforeEach
    void sysfs() throws IOException {
        Path vda = dir("devices/pci0000:00/0000:00:04.0/virtio2/block/vda", "254:0");
        Path vda1 = dir("devices/pci0000:00/0000:00:04.0/virtio2/block/vda/vda1", "254:1");
        Files.writeString(vda1.resolve("partition"), "1\n");
        Path vdb = dir("devices/pci0000:00/0000:00:05.0/virtio3/block/vdb", "254:16");
        Path dm0 = dir("devices/virtual/block/dm-0", "253:0");
        Files.createDirectories(dm0.resolve("slaves"));
        Files.createSymbolicLink(dm0.resolve("slaves/vdb"), vdb);
        Files.createDirectories(sys.resolve("dev/block"));
        for (var link : Map.of("254:0", vda, "254:1", vda1, "254:16", vdb, "253:0", dm0).entrySet()) {
            Files.createSymbolicLink(sys.resolve("dev/block").resolve(link.getKey()), link.getValue());
        }
        devices = new SysfsBlockDevices(sys, path -> {
            SysfsBlockDevices.Node node = nodes.get(path.toString());
            if (node == null) {
                throw new NoSuchFileException(path.toString());
            }
            return node;
        });
    }

    private Path dir(String path, String dev) throws IOException {
        Path d = Files.createDirectories(sys.resolve(path));
        Files.writeString(d.resolve("dev"), dev + "\n");
        return d;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # path              | device number, - for none
            # a whole disk is itself
            /dev/vda            | 254:0
            # a partition means its whole disk (block_get_whole_disk)
            /dev/vda1           | 254:0
            # a file: the device of its file system, then the whole disk
            /var/lib/demo       | 254:0
            # /dev/block/MAJ:MIN is taken as written, without stat (device_path_parse_major_minor)
            /dev/block/254:1    | 254:0
            /dev/block/254:16   | 254:16
            # LUKS: the one device below the mapping (block_get_originating)
            /dev/mapper/crypt   | 254:16
            /srv/secret         | 254:16
            # a character device, tmpfs (no block device), a missing path: systemd writes nothing
            /dev/null           | -
            /dev/char/1:3       | -
            /run/demo           | -
            /dev/nope           | -
            """)
    void resolvesAsSystemdsLookupBlockDevice(String path, String expected) {
        assertThat(devices.resolve(path).map(DeviceNumber::toString).orElse("-")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # dev_t                 | MAJ:MIN
            65024                   | 254:0
            65041                   | 254:17
            # minor above 255 and major above 4095 use the high bits
            1048832                 | 1:256
            17592186044416          | 4096:0
            """)
    void decodesLinuxDevT(long dev, String expected) {
        assertThat(DeviceNumber.ofDevT(dev)).hasToString(expected);
        String[] parts = expected.split(":");
        assertThat(devT(Long.parseLong(parts[0]), Long.parseLong(parts[1]))).isEqualTo(dev);
    }
}
