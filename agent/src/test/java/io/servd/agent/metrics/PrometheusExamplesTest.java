package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.agent.config.Config;
import io.servd.agent.config.ConfigFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The two examples of packaging/prometheus: promtool accepts the scrape configuration, whose job is the
 * one servd-rules.yml selects; the DaemonSet's servd.conf is one servd accepts, listening on the pod's
 * address and leaving containers' scopes out, and the DaemonSet mounts the node's cgroupfs read-only
 * and keeps its container unprivileged. The DaemonSet itself runs nowhere in the tests.
 */
class PrometheusExamplesTest {
    private static final Path SCRAPE = Promtool.SHIPPED.resolve("scrape-config.example.yml");
    private static final Path DAEMONSET = Promtool.SHIPPED.resolve("kubernetes-daemonset.example.yml");

    @Test
    void promtoolAcceptsTheScrapeConfigOfJobServd() throws Exception {
        Promtool.Result r = Promtool.run(Promtool.SHIPPED, "check", "config", SCRAPE.getFileName().toString());
        assertThat(r.exit()).as("promtool check config exit code; output:%n%s", r.output()).isZero();
        assertThat(Files.readString(SCRAPE)).containsPattern("(?m)^  - job_name: servd$")
                .contains("scrape_interval: 30s").contains("\"127.0.0.1:9470\"");
        assertThat(Files.readString(Promtool.SHIPPED.resolve("servd-rules.yml")))
                .contains("up{job=\"servd\"} == 0").contains("absent(up{job=\"servd\"})");
    }

    @Test
    void daemonSetServdConfIsAcceptedAndReportsPodsNotContainers() throws Exception {
        String manifest = Files.readString(DAEMONSET);
        int start = manifest.indexOf("  servd.conf: |\n");
        assertThat(start).as("the ConfigMap's servd.conf in %s", DAEMONSET).isNotNegative();
        String conf = manifest.substring(start).lines().skip(1).takeWhile(l -> l.startsWith("    ") || l.isEmpty())
                .map(l -> l.isEmpty() ? l : l.substring(4)).collect(Collectors.joining("\n", "", "\n"));
        Config config = ConfigFile.parse(Path.of("servd.conf (ConfigMap)"), conf, Config.defaults());
        assertThat(config.httpListen()).isEqualTo(new InetSocketAddress("0.0.0.0", 9470));
        assertThat(config.metrics().reports("kubepods-burstable-pod0f1e.slice")).isTrue();
        assertThat(config.metrics().reports("system.slice")).isTrue();
        assertThat(config.metrics().reports("cri-containerd-4a5b.scope")).isFalse();
    }

    @Test
    void daemonSetMountsCgroupfsReadOnlyAndRunsUnprivileged() throws Exception {
        String manifest = Files.readString(DAEMONSET);
        assertThat(manifest).containsPattern("- name: cgroup\\n\\s+mountPath: /sys/fs/cgroup\\n\\s+readOnly: true\\n")
                .containsPattern("hostPath:\\n\\s+path: /sys/fs/cgroup\\n")
                .contains("readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false", "drop: [\"ALL\"]",
                        "runAsNonRoot: true", "hostPID: false", "automountServiceAccountToken: false")
                .containsPattern("limits:\\n\\s+cpu: \"1\"\\n\\s+memory: 192Mi\\n")
                .doesNotContain("privileged: true").doesNotContain("dbus");
    }
}
