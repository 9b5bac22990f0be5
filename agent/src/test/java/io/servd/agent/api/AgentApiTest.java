package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.unit.HostResources;
import io.servd.agent.access.BearerToken;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.PeerCredentials;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.limits.LimitsApplier;
import io.servd.agent.limits.LimitsException;
import io.servd.agent.limits.LimitsPlan;
import io.servd.agent.metrics.UnitMetrics;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitTree;
import io.servd.agent.http.Routes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agent's routes through the real HTTP pipeline, on the captured debian12-systemd252 cgroup tree. */
class AgentApiTest {
    static final String TOKEN = "s3cret-token";
    static final HostResources HOST = new HostResources(ByteSize.ofMebibytes(8192), 4096, 4_194_303L);

    @TempDir
    Path tmp;
    Path cgroupfs;
    final List<LimitsPlan> applied = new ArrayList<>();
    Optional<LimitsException> failWith = Optional.empty();
    Routes routes;

    @BeforeEach
    void setUp() throws IOException {
        cgroupfs = Fixtures.copy("debian12-systemd252", Files.createDirectory(tmp.resolve("cgroup")));
        Files.writeString(tmp.resolve("group"), "root:x:0:\nservd-admin:x:990:alice\nusers:x:100:\n");
        Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nalice:x:1000:100::/home/alice:/bin/sh\n"
                + "bob:x:1001:100::/home/bob:/bin/sh\n");
        routes = routes(Optional.of(BearerToken.of(TOKEN)), recording());
    }

    /** Records each plan, or throws {@link #failWith} when set. */
    LimitsApplier recording() {
        return new LimitsApplier() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public void apply(LimitsPlan plan, Optional<UnitCgroup> cgroup) throws LimitsException {
                if (failWith.isPresent()) {
                    throw failWith.get();
                }
                applied.add(plan);
            }
        };
    }

    Routes routes(Optional<BearerToken> token, LimitsApplier applier) {
        var tree = new UnitTree(new CgroupRoot(cgroupfs));
        var registry = new PrometheusRegistry();
        registry.register(new UnitMetrics(tree));
        var access = new WriteAccess(token, new ControlGroup(Optional.of("servd-admin"), tmp.resolve("group"),
                tmp.resolve("passwd")));
        var context = new AgentContext(tree, Optional.of(new AgentContext.Self("/system.slice/foo.service", CgroupLayout.UNIFIED)),
                Optional.of(applier),
                Optional.of(HOST), access, registry);
        return AgentApi.register(Routes.builder(), context).build();
    }

    @Test
    void listsEveryUnitWithUsageAndLimits() {
        var r = Exchange.http(routes, Exchange.get("/v1/units"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.body()).contains("\"unit\":\"-.slice\",\"cgroup\":\"/\"")
                .contains("\"unit\":\"system.slice\",\"cgroup\":\"/system.slice\"")
                .contains("\"unit\":\"foo.service\",\"cgroup\":\"/system.slice/foo.service\"")
                // system.slice: unlimited is "max", not a sentinel; oom_kill from memory.events
                .contains("\"memoryMaxBytes\":\"max\"").contains("\"oomKills\":2");
    }

    @Test
    void showsOneUnit() {
        var r = Exchange.http(routes, Exchange.get("/v1/units/foo.service"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"memoryMaxBytes\":67108864", "\"memoryHighBytes\":\"max\"",
                "\"cpuMax\":{\"quotaUsec\":50000,\"periodUsec\":100000}", "\"cpuWeight\":250", "\"cpuIdle\":false",
                "\"pidsMax\":100", "\"cpuUsageUsec\":8400643", "\"cpuThrottledPeriods\":165",
                "\"cpuThrottledUsec\":8391799", "\"memoryCurrentBytes\":184320", "\"memoryPeakBytes\":356352",
                "\"pidsCurrent\":1", "\"someTotalUsec\":8352240");
        assertThat(r.body()).doesNotContain("errors");
    }

    @Test
    void idleUnitShowsNoWeight() throws IOException {
        // as captured in the test VM after CPUWeight=idle: cpu.idle=1 and cpu.weight=0
        Files.writeString(cgroupfs.resolve("system.slice/foo.service/cpu.idle"), "1\n");
        Files.writeString(cgroupfs.resolve("system.slice/foo.service/cpu.weight"), "0\n");
        var r = Exchange.http(routes, Exchange.get("/v1/units/foo.service"));
        assertThat(r.body()).contains("\"cpuIdle\":true").doesNotContain("cpuWeight").doesNotContain("errors");
    }

    @Test
    void aBrokenFileIsAnAbsentKeyAndOneErrorNamingTheFileAndRawValue() throws IOException {
        Path memoryMax = cgroupfs.resolve("system.slice/foo.service/memory.max");
        Files.writeString(memoryMax, "lots\n");
        var r = Exchange.http(routes, Exchange.get("/v1/units/foo.service"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("memoryMaxBytes").contains("\"pidsMax\":100")
                .contains("\"errors\":[\"").contains("[lots] in [" + memoryMax + "]");
    }

    @Test
    void showsItself() {
        var r = Exchange.http(routes, Exchange.get("/v1/self"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"unit\":\"foo.service\",\"cgroup\":\"/system.slice/foo.service\",\"layout\":\"unified\"")
                .contains("\"effective\":{\"cpus\":0.5,\"memoryMaxBytes\":67108864}");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        # path segment                  | status | fragment
        bar.service                     | 404    | no cgroup for unit [bar.service]
        foo.timer                       | 404    | units of type [timer] have no cgroup
        ..%2F..%2Fetc%2Fpasswd          | 400    | invalid unit name [../../etc/passwd]
        a%2Fb.service                   | 400    | invalid unit name [a/b.service]
        foo%00.service                  | 400    | invalid character [\\\\x00]
        foo.exe                         | 400    | unknown unit type [exe]
        %2E%2E                          | 400    | invalid unit name [..]
        """)
    void refusesUnknownAndInvalidUnits(String segment, int status, String fragment) {
        var r = Exchange.http(routes, Exchange.get("/v1/units/" + segment));
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body()).contains(fragment);
    }

    @Test
    void refusesOverlongUnitName() {
        var r = Exchange.http(routes, Exchange.get("/v1/units/" + "a".repeat(250) + ".service"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("longer than 255 bytes");
    }

    private static String authorized(String path, String body) {
        return Exchange.put(path, "application/json", body)
                .replace("Host: x\r\n", "Host: x\r\nAuthorization: Bearer " + TOKEN + "\r\n");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        # unit segment          | body                                       | status | fragment
        ..%2F..%2Fetc%2Fpasswd  | {"MemoryMax":"64M"}                        | 400    | invalid unit name
        a%2Fb.service           | {"MemoryMax":"64M"}                        | 400    | invalid unit name
        foo%00.service          | {"MemoryMax":"64M"}                        | 400    | invalid unit name
        foo.unknown             | {"MemoryMax":"64M"}                        | 400    | unknown unit type
        foo.service             | {"MemoryMax":"64Q"}                        | 422    | invalid MemoryMax= value [64Q]
        foo.service             | {"CPUQuota":"0%"}                          | 422    | CPU quota too small
        foo.service             | {"CPUWeight":"10001"}                      | 422    | invalid CPUWeight= value [10001]
        foo.service             | {"MemoryMaxx":"64M"}                       | 400    | unknown property [MemoryMaxx]
        foo.service             | {"MemoryMax":64.5}                         | 400    | must be a string
        foo.service             | {"runtime":"yes","MemoryMax":"1G"}         | 400    | [runtime] must be true or false
        foo.service             | {}                                         | 400    | no property to change
        foo.service             | [1]                                        | 400    | body must be a JSON object
        foo.service             | {"MemoryMax":"1G"                          | 400    | malformed JSON
        foo.service             | {"MemoryMax":"1G"} {}                      | 400    | exactly one JSON object
        foo.service             | {"MemoryMax":"1G","MemoryMax":"2G"}        | 400    | member given twice [MemoryMax]
        foo.timer               | {"MemoryMax":"1G"}                         | 400    | unit type has no cgroup settings
        """)
    void refusesBadRequestsWithNothingWritten(String unit, String body, int status, String fragment) {
        var before = Fixtures.snapshot(tmp);
        var r = Exchange.http(routes, authorized("/v1/units/" + unit + "/limits", body));
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains(fragment).startsWith("{\"error\":");
        assertThat(applied).isEmpty();
        assertThat(Fixtures.snapshot(tmp)).isEqualTo(before);
    }

    @Test
    void refusesNonJsonBody() {
        var r = Exchange.http(routes, Exchange.put("/v1/units/foo.service/limits", "text/plain", "MemoryMax=1G")
                .replace("Host: x\r\n", "Host: x\r\nAuthorization: Bearer " + TOKEN + "\r\n"));
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.body()).contains("expected [application/json], got [text/plain]");
    }

    @Test
    void httpWritesNeedTheToken() {
        String body = "{\"MemoryMax\":\"64M\"}";
        var missing = Exchange.http(routes, Exchange.put("/v1/units/foo.service/limits", "application/json", body));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
        var wrong = Exchange.http(routes, Exchange.put("/v1/units/foo.service/limits", "application/json", body)
                .replace("Host: x\r\n", "Host: x\r\nAuthorization: Bearer s3cret-tokeN\r\n"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("wrong bearer token").doesNotContain(TOKEN);
        assertThat(applied).isEmpty();

        var disabled = Exchange.http(routes(Optional.empty(), recording()), authorized("/v1/units/foo.service/limits", body));
        assertThat(disabled.status()).isEqualTo(403);
        assertThat(disabled.body()).contains("no token file is configured");
    }

    @Test
    void appliesAndAnswersThePlanAndTheKernelsValues() {
        var r = Exchange.http(routes, authorized("/v1/units/foo.service/limits",
                "{\"MemoryMax\":\"64M\",\"CPUQuota\":\"50%\",\"TasksMax\":100,\"runtime\":true}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(applied).hasSize(1);
        assertThat(r.body()).contains("\"applier\":\"fake\"", "\"runtime\":true", "\"dryRun\":false",
                "{\"name\":\"MemoryMax\",\"signature\":\"t\",\"value\":67108864}",
                "{\"name\":\"CPUQuotaPerSecUSec\",\"signature\":\"t\",\"value\":500000}",
                "{\"name\":\"TasksMax\",\"signature\":\"t\",\"value\":100}",
                "\"path\":\"/run/systemd/system.control/foo.service.d/50-MemoryMax.conf\"",
                "{\"file\":\"cpu.max\",\"content\":\"50000 100000\"}",
                "\"applied\":{\"memoryMaxBytes\":67108864");
    }

    @Test
    void dryRunPlansAndChangesNothing() {
        var before = Fixtures.snapshot(tmp);
        var r = Exchange.http(routes, authorized("/v1/units/foo.service/limits",
                "{\"MemoryMax\":\"50%\",\"dryRun\":true}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"dryRun\":true", "{\"name\":\"MemoryMaxScale\",\"signature\":\"u\",\"value\":2147483648}",
                "/etc/systemd/system.control/foo.service.d/50-MemoryMaxScale.conf", "MemoryMax=50.00%",
                "{\"file\":\"memory.max\",\"content\":\"4294967296\"}").doesNotContain("\"applied\"");
        assertThat(applied).isEmpty();
        assertThat(Fixtures.snapshot(tmp)).isEqualTo(before);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        # reason                 | status
        DENIED                   | 403
        # systemd refused servd itself (polkitd or its rule missing): not the caller's fault
        AGENT_NOT_AUTHORIZED     | 503
        NO_SUCH_UNIT             | 404
        CONTROLLER_NOT_ENABLED   | 409
        UNAVAILABLE              | 503
        NO_SPACE                 | 507
        NOT_PERSISTED            | 507
        TIMED_OUT                | 504
        FAILED                   | 502
        """)
    void mapsApplierFailures(LimitsException.Reason reason, int status) {
        failWith = Optional.of(new LimitsException(reason, "boom [x]", null));
        var r = Exchange.http(routes, authorized("/v1/units/foo.service/limits", "{\"CPUWeight\":\"idle\"}"));
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body()).contains("\"detail\":\"boom [x]\"");
    }

    @ParameterizedTest(name = "[{index}] uid {0} gid {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # uid | gid | status | why
        0     | 0   | 200    | root
        1000  | 100 | 200    | alice is listed in servd-admin
        1001  | 990 | 200    | bob's primary gid is servd-admin's
        1001  | 100 | 403    | bob is not in servd-admin
        4242  | 4242| 403    | unknown user
        """)
    void controlSocketAdmitsRootAndTheGroup(int uid, int gid, int status, String why) {
        var tokenless = routes(Optional.empty(), recording());
        var r = Exchange.control(tokenless, Optional.of(new PeerCredentials(77, uid, gid)),
                Exchange.put("/v1/units/foo.service/limits", "application/json", "{\"MemoryMax\":\"1G\"}"));
        assertThat(r.status()).as(why + ": " + r.body()).isEqualTo(status);
        if (status == 403) {
            assertThat(r.body()).contains("peer [pid=77 uid=" + uid + " gid=" + gid + "] is not root nor in group [servd-admin]");
            assertThat(applied).isEmpty();
        }
    }

    @Test
    void controlSocketWithoutPeerCredentialsRefusesWritesButServesReads() {
        var r = Exchange.control(routes, Optional.empty(),
                Exchange.put("/v1/units/foo.service/limits", "application/json", "{\"MemoryMax\":\"1G\"}"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("peer credentials unavailable");
        assertThat(Exchange.control(routes, Optional.empty(), Exchange.get("/v1/units/foo.service")).status()).isEqualTo(200);
    }

    @Test
    void wrongMethodIs405() {
        var r = Exchange.http(routes, "POST /v1/units/foo.service HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
    }
}
