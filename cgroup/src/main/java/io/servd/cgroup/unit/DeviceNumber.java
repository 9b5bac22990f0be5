package io.servd.cgroup.unit;

/**
 * A block device's number, as the kernel's cgroup files name a device: {@code 254:0}.
 *
 * @param major 0..2^32-1 as glibc's {@code major()} returns it
 * @param minor 0..2^32-1
 */
public record DeviceNumber(long major, long minor) {

    public DeviceNumber {
        if (major < 0 || major > 0xFFFF_FFFFL || minor < 0 || minor > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("device number out of range [" + major + ":" + minor + "]");
        }
    }

    /** glibc's {@code major()}/{@code minor()} of a Linux {@code dev_t}, as {@code stat(2)} reports it. */
    public static DeviceNumber ofDevT(long dev) {
        long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL & 0xFFFF_FFFFL);
        long minor = (dev & 0xffL) | ((dev >>> 12) & ~0xffL & 0xFFFF_FFFFL);
        return new DeviceNumber(major, minor);
    }

    /**
     * Parses {@code MAJ:MIN} as sysfs' {@code dev} files print it (a trailing newline is ignored).
     *
     * @throws IllegalArgumentException naming {@code text} when it is not two decimal numbers
     */
    public static DeviceNumber parse(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        if (colon <= 0 || colon == t.length() - 1 || t.length() > 21
                || !(t.substring(0, colon) + t.substring(colon + 1)).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a device number MAJ:MIN [" + text + "]");
        }
        return new DeviceNumber(Long.parseLong(t.substring(0, colon)), Long.parseLong(t.substring(colon + 1)));
    }

    /** {@code MAJ:MIN}, systemd's {@code DEVNUM_FORMAT_STR}. */
    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
