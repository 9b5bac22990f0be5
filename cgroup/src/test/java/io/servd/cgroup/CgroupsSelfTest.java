package io.servd.cgroup;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Read-only smoke test of the production roots on whatever Linux host runs the build. */
class CgroupsSelfTest {

    @Test
    void readsThisProcessWithoutError() throws IOException {
        assumeTrue(Files.exists(Path.of("/proc/self/cgroup")), "needs Linux /proc");

        ProcessCgroup self = Cgroups.self();
        EffectiveLimits limits = self.effectiveLimits();

        assertThat(self.path()).startsWith("/");
        assertThat(limits.describe()).isNotBlank();
        assertThat(limits.availableCpus(Runtime.getRuntime().availableProcessors())).isPositive();
    }
}
