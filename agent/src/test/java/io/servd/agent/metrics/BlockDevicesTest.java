package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.testsupport.NearMiss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device names from {@code /sys/dev/block/MAJ:MIN/uevent}. */
class BlockDevicesTest {
    /** A disk's uevent in the kernel's format (block/genhd.c, drivers/base/core.c): the Debian 12 VM's virtio disk. */
    static final String UEVENT = "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\nDISKSEQ=1\n";
    static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._+:/-]{1,259}");

    @TempDir
    Path sys;

    @Test
    void namesFromUeventAndNothingWhereSysfsHasNone() throws IOException {
        Files.createDirectories(sys.resolve("dev/block/254:0"));
        Files.writeString(sys.resolve("dev/block/254:0/uevent"), UEVENT);
        Files.createDirectories(sys.resolve("dev/block/8:0"));
        Files.writeString(sys.resolve("dev/block/8:0/uevent"), "MAJOR=8\nMINOR=0\nDEVTYPE=disk\n");
        var lookup = new BlockDevices(sys).lookup();
        assertThat(lookup.name(254, 0)).hasValue("vda");
        assertThat(lookup.name(8, 0)).isEmpty(); // no DEVNAME line
        assertThat(lookup.name(7, 1)).isEmpty(); // no such device
    }

    @Test
    void parsesWhatTheKernelWrites() {
        assertThat(BlockDevices.parseDevName(UEVENT)).hasValue("vda");
        assertThat(BlockDevices.parseDevName("MAJOR=259\nMINOR=1\nDEVNAME=nvme0n1p1\nDEVTYPE=partition\nPARTN=1\n"))
                .hasValue("nvme0n1p1");
        assertThat(BlockDevices.parseDevName("MAJOR=104\nMINOR=0\nDEVNAME=cciss/c0d0\nDEVTYPE=disk\n")).hasValue("cciss/c0d0");
        assertThat(BlockDevices.parseDevName("DEVNAME=\n")).isEmpty();
        assertThat(BlockDevices.parseDevName("DEVNAME=a\nDEVNAME=b\n")).isEmpty();
        assertThat(BlockDevices.parseDevName("DEVNAME=sd\"a\n")).isEmpty();
    }

    /** A near miss gives a name made only of device-name characters, or none; it never throws. */
    @Property
    void nearMissGivesASafeNameOrNone(@ForAll("nearMisses") String uevent) {
        Optional<String> name = BlockDevices.parseDevName(uevent);
        name.ifPresent(n -> assertThat(n).matches(SAFE));
    }

    @Provide
    Arbitrary<String> nearMisses() {
        return NearMiss.ofTextOrLine(UEVENT);
    }
}
