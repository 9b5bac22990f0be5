package io.servd.netpoll;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which transport to use, as written in configuration: {@code auto}, {@code epoll}, {@code io_uring},
 * {@code kqueue} or {@code nio}.
 */
public enum Preference {
    /** The first available transport of {@link Transport#AUTO_ORDER}. */
    AUTO("auto"),
    EPOLL("epoll"),
    IO_URING("io_uring"),
    KQUEUE("kqueue"),
    NIO("nio");

    private final String configValue;

    Preference(String configValue) {
        this.configValue = configValue;
    }

    /** The spelling used in configuration files, flags and log lines, e.g. {@code io_uring}. */
    public String configValue() {
        return configValue;
    }

    /**
     * Parses a configuration value; case and surrounding blanks are ignored, {@code iouring} and
     * {@code io-uring} are accepted for {@code io_uring}.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Preference parse(String value) {
        Objects.requireNonNull(value, "value");
        String key = value.strip().toLowerCase(Locale.ROOT);
        if (key.equals("iouring") || key.equals("io-uring")) {
            key = "io_uring";
        }
        for (Preference p : values()) {
            if (p.configValue.equals(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown transport [" + value + "], expected one of ["
                + Arrays.stream(values()).map(Preference::configValue).collect(Collectors.joining("|")) + "]");
    }

    @Override
    public String toString() {
        return configValue;
    }
}
