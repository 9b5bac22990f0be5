package io.servd.agent.units;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.CpusetCpus;
import io.servd.cgroup.IoMax;
import io.servd.cgroup.IoWeight;
import io.servd.cgroup.Limit;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The limits of issue 16 item 3 in {@code GET /v1/units/{unit}} (what {@code servctl limits} prints). */
class UnitJsonLimitsTest {

    @Test
    void everyDirectivesFileIsInTheLimitsObject() throws IOException {
        Path file = Path.of("/sys/fs/cgroup/demo.service/cpuset.cpus");
        var limits = new CgroupSnapshot.Limits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(Limit.atMost(ByteSize.ofBytes(4096))),
                Optional.of(Limit.atMost(ByteSize.ofBytes(0))), Optional.of(Limit.unlimited()),
                Optional.of(Limit.atMost(ByteSize.ofBytes(67108864))), Optional.of(CpusetCpus.parseCgroup("0-1,3", file)),
                Optional.of(CpusetCpus.parseCgroup("", file)), Optional.of(new IoWeight(100, Map.of("254:0", 500))),
                Optional.of(new IoMax(List.of(new IoMax.Device("254:0", Limit.atMost(1_000_000L), Limit.unlimited(),
                        Limit.unlimited(), Limit.atMost(7L))))));
        StringWriter out = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
            UnitJson.writeLimits(json, limits);
        }
        assertThat(out.toString()).isEqualTo("{\"memoryMinBytes\":4096,\"memoryLowBytes\":0,\"memorySwapMaxBytes\":\"max\","
                + "\"memoryZswapMaxBytes\":67108864,\"cpusetCpus\":\"0-1,3\",\"cpusetMems\":\"\","
                + "\"ioWeight\":{\"default\":100,\"254:0\":500},"
                + "\"ioMax\":[{\"device\":\"254:0\",\"rbps\":1000000,\"wbps\":\"max\",\"riops\":\"max\",\"wiops\":7}]}");
    }
}
