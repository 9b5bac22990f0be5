package io.servd.agent.metrics;

import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import io.servd.cgroup.IoStat;
import java.util.Optional;

/**
 * {@code io.stat} per device, as cAdvisor's {@code container_blkio_device_usage_total} does it: one
 * family for bytes and one for operations, with {@code operation} = {@code read}, {@code write} or
 * {@code discard} (a sum over it is the device's total), {@code device} = the kernel's {@code MAJ:MIN}
 * (stable, and what {@code IOReadBandwidthMax=} resolves to) and {@code device_name} = the udev name
 * where sysfs gives one. Discard counters exist from Linux 5.0; a line without them gives no discard sample.
 */
final class IoSamples {
    static final String BYTES = "servd_unit_io_device_bytes";
    static final String OPERATIONS = "servd_unit_io_device_operations";

    private IoSamples() {
    }

    static void declare(Families f) {
        f.counter(BYTES, "bytes transferred per device (io.stat rbytes, wbytes, dbytes)", Unit.BYTES);
        f.counter(OPERATIONS, "I/O operations per device (io.stat rios, wios, dios)", null);
    }

    static void add(Families f, String unit, IoStat io, BlockDevices.Lookup names) {
        for (IoStat.Device d : io.devices()) {
            String number = d.major() + ":" + d.minor();
            Optional<String> name = names.name(d.major(), d.minor());
            sample(f, BYTES, unit, number, name, "read", d.readBytes());
            sample(f, BYTES, unit, number, name, "write", d.writeBytes());
            d.counter("dbytes").ifPresent(v -> sample(f, BYTES, unit, number, name, "discard", v));
            sample(f, OPERATIONS, unit, number, name, "read", d.readIos());
            sample(f, OPERATIONS, unit, number, name, "write", d.writeIos());
            d.counter("dios").ifPresent(v -> sample(f, OPERATIONS, unit, number, name, "discard", v));
        }
    }

    private static void sample(Families f, String family, String unit, String device, Optional<String> name,
                               String operation, long value) {
        Labels labels = name.isPresent()
                ? Labels.of("device", device, "device_name", name.get(), "operation", operation, "unit", unit)
                : Labels.of("device", device, "operation", operation, "unit", unit);
        f.add(family, labels, value);
    }
}
