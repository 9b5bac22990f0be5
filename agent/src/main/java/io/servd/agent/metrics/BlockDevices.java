package io.servd.agent.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Block device names by number, as udev names the nodes under {@code /dev}: the {@code DEVNAME} line
 * of {@code /sys/dev/block/MAJ:MIN/uevent} ({@code sda}, {@code nvme0n1}, {@code dm-0}). A device
 * without that file (gone, or sysfs not mounted) or without a sane {@code DEVNAME} has no name: the
 * metrics then carry its number alone.
 */
final class BlockDevices {
    private static final Logger log = LoggerFactory.getLogger(BlockDevices.class);

    /**
     * What the kernel writes for a disk or partition name: {@code dev_name()} with {@code !} turned
     * into {@code /} ({@code cciss/c0d0}); no empty segment, nothing a label would need to escape.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._+:-]{1,64}(/[A-Za-z0-9._+:-]{1,64}){0,3}");

    private final Path sys;

    /** @param sys sysfs' mount point: {@code /sys} in production, a temp dir in tests */
    BlockDevices(Path sys) {
        this.sys = Objects.requireNonNull(sys, "sys");
    }

    static BlockDevices system() {
        return new BlockDevices(Path.of("/sys"));
    }

    /** A lookup for one scrape: each device's uevent is read at most once, however many units used it. */
    Lookup lookup() {
        Map<Long, Optional<String>> names = new HashMap<>();
        return (major, minor) -> names.computeIfAbsent(((long) major << 32) | minor, k -> read(major, minor));
    }

    @FunctionalInterface
    interface Lookup {
        /** The device's name; empty when unknown. */
        Optional<String> name(int major, int minor);
    }

    private Optional<String> read(int major, int minor) {
        Path uevent = sys.resolve("dev/block/" + major + ":" + minor + "/uevent");
        try {
            return parseDevName(Files.readString(uevent, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.debug("reading [{}] failed, device [{}:{}] stays unnamed: {}", uevent, major, minor, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The {@code DEVNAME} of a uevent file ({@code MAJOR=8\nMINOR=0\nDEVNAME=sda\nDEVTYPE=disk\n...}).
     *
     * @return empty when there is no {@code DEVNAME} line, more than one, or its value is not a device
     *         name; never throws
     */
    static Optional<String> parseDevName(String uevent) {
        String name = null;
        for (String line : uevent.split("\n", -1)) {
            if (!line.startsWith("DEVNAME=")) {
                continue;
            }
            if (name != null) {
                return Optional.empty(); // two answers: believe neither
            }
            name = line.substring("DEVNAME=".length());
        }
        return name != null && NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }
}
