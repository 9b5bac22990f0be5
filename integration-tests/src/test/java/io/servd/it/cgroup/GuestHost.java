package io.servd.it.cgroup;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.cgroup.unit.HostResources;
import io.servd.it.GuestResult;
import io.servd.it.Vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guest's {@link HostResources}, computed in the test JVM: the files {@link HostResources#read}
 * reads are copied from the guest in one round trip into a {@code /proc} and a cgroup root below
 * {@code dir} (the root cgroup's {@code memory.max}/{@code pids.max} only where the guest has them:
 * a v2 root has neither), then read by the library itself. The raw numbers are cross-checked against a
 * hand-built {@code HostResources} so that a reading bug and a conversion bug cannot cancel out.
 */
final class GuestHost {

    /** Guest path → path below the copy; the order is the script's. */
    private static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put("/proc/meminfo", "proc/meminfo");
        FILES.put("/proc/sys/kernel/pid_max", "proc/sys/kernel/pid_max");
        FILES.put("/proc/sys/kernel/threads-max", "proc/sys/kernel/threads-max");
        FILES.put("/sys/fs/cgroup/memory.max", "cgroup/memory.max");
        FILES.put("/sys/fs/cgroup/pids.max", "cgroup/pids.max");
    }

    private GuestHost() {
    }

    /** Reads the guest's values into {@code dir} and returns what the library makes of them. */
    static HostResources read(Vm vm, Path dir) throws IOException {
        StringBuilder script = new StringBuilder();
        for (String file : FILES.keySet()) {
            script.append("[ -e ").append(file).append(" ] && echo \"").append(file).append(" $(base64 -w0 ")
                    .append(file).append(")\"\n");
        }
        // smaps of the reading process itself, as the library reads /proc/self/smaps (first mapping suffices)
        script.append("echo \"/proc/self/smaps $(head -n 30 /proc/self/smaps | base64 -w0)\"\n");
        script.append("echo \"pagesize $(getconf PAGESIZE)\"\n");
        GuestResult result = vm.sh(script.toString()).orThrow();

        Map<String, String> copied = new LinkedHashMap<>();
        long getconfPageSize = 0;
        for (String line : result.stdout().lines().toList()) {
            String[] f = line.split(" ", 2);
            if (f[0].equals("pagesize")) {
                getconfPageSize = Long.parseLong(f[1].strip());
                continue;
            }
            String relative = f[0].equals("/proc/self/smaps") ? "proc/self/smaps" : FILES.get(f[0]);
            String content = new String(Base64.getDecoder().decode(f.length > 1 ? f[1] : ""), StandardCharsets.UTF_8);
            Path target = dir.resolve(relative);
            Files.createDirectories(target.getParent());
            Files.writeString(target, content);
            copied.put(f[0], content);
        }
        Files.createDirectories(dir.resolve("cgroup"));
        HostResources host = HostResources.read(new ProcFs(dir.resolve("proc")), new CgroupRoot(dir.resolve("cgroup")));

        long memTotalKb = copied.get("/proc/meminfo").lines().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.split("\\s+")[1])).findFirst().orElseThrow();
        long pidMax = Long.parseLong(copied.get("/proc/sys/kernel/pid_max").strip());
        long threadsMax = Long.parseLong(copied.get("/proc/sys/kernel/threads-max").strip());
        OptionalLong rootPids = copied.containsKey("/sys/fs/cgroup/pids.max")
                && !copied.get("/sys/fs/cgroup/pids.max").strip().equals("max")
                ? OptionalLong.of(Long.parseLong(copied.get("/sys/fs/cgroup/pids.max").strip())) : OptionalLong.empty();
        assertThat(copied).as("a cgroup v2 root has no memory.max").doesNotContainKey("/sys/fs/cgroup/memory.max");
        HostResources byHand = new HostResources(ByteSize.ofBytes(memTotalKb * 1024 / getconfPageSize * getconfPageSize),
                getconfPageSize, HostResources.systemTasksMax(pidMax, threadsMax, rootPids));
        assertThat(host).as("HostResources.read on the guest's files").isEqualTo(byHand);
        System.out.printf("guest host resources: %s (MemTotal %d kB, pid_max %d, threads-max %d, root pids.max %s)%n",
                host, memTotalKb, pidMax, threadsMax, rootPids);
        return host;
    }
}
