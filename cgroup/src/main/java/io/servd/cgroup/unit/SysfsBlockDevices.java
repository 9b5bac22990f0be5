package io.servd.cgroup.unit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * systemd's {@code lookup_block_device()} (src/core/cgroup.c) in java.*: {@code /dev/block/MAJ:MIN} is
 * taken as written ({@code device_path_parse_major_minor()}); otherwise the path is stat'ed: a block
 * device node means its own number, a character device nothing, any other file the device its file
 * system is on ({@code st_dev}). Then, through sysfs, a device-mapper device (LUKS) is replaced by the one
 * device below it ({@code block_get_originating()}: {@code /sys/dev/block/M:m/slaves/}), and a partition by
 * its whole disk ({@code block_get_whole_disk()}: {@code partition} exists, the parent's {@code dev}).
 *
 * <p>Differs from systemd where it cannot do as it does without native calls: btrfs (whose files report
 * an anonymous device, major 0; systemd asks the file system by ioctl) resolves to nothing; a device
 * with several slaves (dm-verity: data and hash partitions) keeps its own number.
 */
public final class SysfsBlockDevices implements BlockDevices {

    /** What {@code stat(2)} says about a path: its file type and the two device numbers. */
    public record Node(Type type, long rdev, long dev) {
        public enum Type { BLOCK, CHARACTER, OTHER }

        public Node {
            Objects.requireNonNull(type, "type");
        }
    }

    /** {@code stat(2)}; the seam tests use, since a device node cannot be made without root. */
    @FunctionalInterface
    public interface Stat {
        /** @throws IOException when the path does not exist or cannot be stat'ed */
        Node stat(Path path) throws IOException;
    }

    /** {@code stat(2)} through the JDK's {@code unix:} attributes (following symbolic links, as stat does). */
    public static final Stat FILES = path -> {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        long rdev = (Long) Files.getAttribute(path, "unix:rdev");
        long dev = (Long) Files.getAttribute(path, "unix:dev");
        // S_IFMT 0170000: S_IFBLK 0060000, S_IFCHR 0020000
        Node.Type type = switch (mode & 0170000) {
            case 0060000 -> Node.Type.BLOCK;
            case 0020000 -> Node.Type.CHARACTER;
            default -> Node.Type.OTHER;
        };
        return new Node(type, rdev, dev);
    };

    private final Path sys;
    private final Stat stat;

    /**
     * @param sys  sysfs: {@code /sys} on a live host, a fixture tree in tests
     * @param stat {@link #FILES} on a live host
     */
    public SysfsBlockDevices(Path sys, Stat stat) {
        this.sys = Objects.requireNonNull(sys, "sys");
        this.stat = Objects.requireNonNull(stat, "stat");
    }

    /** This host's: {@code /sys} and {@link #FILES}. */
    public static SysfsBlockDevices system() {
        return new SysfsBlockDevices(Path.of("/sys"), FILES);
    }

    @Override
    public Optional<DeviceNumber> resolve(String path) {
        Optional<DeviceNumber> device = direct(path);
        if (device.isEmpty()) {
            return Optional.empty();
        }
        DeviceNumber d = device.get();
        // LUKS/dm: the one device below; bounded, as a sysfs loop would be a kernel bug
        for (int depth = 0; depth < 16; depth++) {
            Optional<DeviceNumber> below = originating(d);
            if (below.isEmpty()) {
                break;
            }
            d = below.get();
        }
        return Optional.of(wholeDisk(d));
    }

    private Optional<DeviceNumber> direct(String path) {
        if (path.startsWith("/dev/block/") || path.startsWith("/dev/char/")) {
            try {
                DeviceNumber n = DeviceNumber.parse(path.substring(path.startsWith("/dev/block/") ? "/dev/block/".length() : "/dev/char/".length()));
                return path.startsWith("/dev/block/") ? Optional.of(n) : Optional.empty();
            } catch (IllegalArgumentException e) {
                // not MAJ:MIN after all: systemd then stats the path like any other
            }
        }
        try {
            Node node = stat.stat(Path.of(path));
            return switch (node.type()) {
                case BLOCK -> Optional.of(DeviceNumber.ofDevT(node.rdev()));
                case CHARACTER -> Optional.empty();
                case OTHER -> {
                    DeviceNumber fs = DeviceNumber.ofDevT(node.dev());
                    yield fs.major() == 0 ? Optional.empty() : Optional.of(fs);
                }
            };
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // systemd: "Couldn't stat device", no write
        }
    }

    private Path sysBlock(DeviceNumber d) {
        return sys.resolve("dev/block").resolve(d.toString());
    }

    private Optional<DeviceNumber> originating(DeviceNumber d) {
        Path slaves = sysBlock(d).resolve("slaves");
        if (!Files.isDirectory(slaves)) {
            return Optional.empty();
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(slaves)) {
            dir.forEach(entries::add);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (entries.size() != 1) {
            return Optional.empty();
        }
        return readDev(entries.get(0).resolve("dev"));
    }

    private DeviceNumber wholeDisk(DeviceNumber d) {
        Path block = sysBlock(d);
        if (!Files.exists(block.resolve("partition"))) {
            return d;
        }
        try {
            return readDev(block.toRealPath().getParent().resolve("dev")).orElse(d);
        } catch (IOException e) {
            return d;
        }
    }

    private static Optional<DeviceNumber> readDev(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                return Optional.empty();
            }
            return Optional.of(DeviceNumber.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
