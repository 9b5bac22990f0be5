package io.servd.it.cgroup.guest;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.CgroupWriter;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.cgroup.unit.CgroupSettings;
import io.servd.cgroup.unit.HostResources;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.ResourceDirectives;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs in the test VM, on the runtime the servd .deb installs: applies directives to one cgroup with
 * the library alone ({@link HostResources#read}, {@link CgroupSettings#plannedWrites},
 * {@link CgroupWriter#apply}), bypassing systemd. Shipped to the guest through the 9p share by
 * {@code KernelEnforcementIT}; only java.base and servd-cgroup may be used here.
 *
 * <p>Usage: {@code ApplyLimits <cgroup> <Directive=value>...}, e.g.
 * {@code ApplyLimits /system.slice/burn.service CPUQuota=20%}. Prints {@code write <file>=<content>}
 * per planned write, then {@code applied}; exits 1 with the exception on failure, 2 on bad usage.
 */
public final class ApplyLimits {

    private ApplyLimits() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ApplyLimits <cgroup> <Directive=value>...");
            System.exit(2);
        }
        List<ResourceDirective> directives = new ArrayList<>();
        for (String assignment : Arrays.asList(args).subList(1, args.length)) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                System.err.println("not a Directive=value assignment [" + assignment + "]");
                System.exit(2);
            }
            directives.add(ResourceDirectives.parse(assignment.substring(0, eq), assignment.substring(eq + 1)));
        }
        HostResources host = HostResources.read(ProcFs.system(), CgroupRoot.system());
        System.out.println("host " + host);
        List<CgroupWrite> writes = CgroupSettings.of(directives).plannedWrites(host);
        writes.forEach(w -> System.out.println("write " + w));
        try {
            new CgroupWriter().apply(CgroupRoot.system().resolve(args[0]), writes);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println("applied");
    }
}
