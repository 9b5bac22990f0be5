package io.servd.servctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PlainTextTest {

    @Test
    void aSetPlanPrintsTablesAndDropInContentAsBlocks() throws IOException {
        // the PUT /v1/units/{unit}/limits answer of agent/API.md
        JsonNode answer = Json.parse("""
                {"unit":"foo.service","applier":"dbus","runtime":false,"dryRun":true,
                 "plan":{"properties":[{"name":"MemoryMax","signature":"t","value":67108864},
                                       {"name":"CPUQuotaPerSecUSec","signature":"t","value":500000}],
                         "dropIns":[{"path":"/etc/systemd/system.control/foo.service.d/50-MemoryMax.conf",
                                     "content":"# This is a drop-in ...\\n[Service]\\nMemoryMax=67108864\\n"}],
                         "cgroupWrites":[{"file":"memory.max","content":"67108864"},
                                         {"file":"cpu.max","content":"50000 100000"}]},
                 "applied":{}}""");
        assertThat(PlainText.format(answer)).isEqualTo("""
                unit:    foo.service
                applier: dbus
                runtime: false
                dryRun:  true
                plan:
                  properties:
                    name                signature  value
                    MemoryMax           t          67108864
                    CPUQuotaPerSecUSec  t          500000
                  dropIns:
                    -
                      path:    /etc/systemd/system.control/foo.service.d/50-MemoryMax.conf
                      content: |
                        # This is a drop-in ...
                        [Service]
                        MemoryMax=67108864
                  cgroupWrites:
                    file        content
                    memory.max  67108864
                    cpu.max     50000 100000
                applied: -
                """);
    }

    @Test
    void nullIsADashAndScalarListsAreJoined() throws IOException {
        assertThat(PlainText.format(Json.parse("{\"a\":null,\"errors\":[\"x\",\"y\"]}")))
                .isEqualTo("a:      -\nerrors: x, y\n");
    }
}
